import { describe, expect, it } from 'vitest';
import { readAttempt } from '../broker/retry.js';

// The consumer tests prove what a bad header does to a message; these pin the edges of the range.
describe('readAttempt', () => {
  it('no header is the first attempt; 1 and maxAttempts themselves are valid attempts', () => {
    expect(readAttempt(undefined, 3)).toEqual({ attempt: 1 });
    expect(readAttempt(1, 3)).toEqual({ attempt: 1 });
    expect(readAttempt(3, 3)).toEqual({ attempt: 3 });
  });

  it('a value below 1 or a number sent as a string is the last attempt, named as it was sent', () => {
    expect(readAttempt(0, 3)).toEqual({ attempt: 3, invalid: 'x-attempt header 0 is not an attempt from 1 to 3' });
    expect(readAttempt(1.5, 3).attempt).toBe(3);
    expect(readAttempt('2', 3)).toEqual({ attempt: 3, invalid: 'x-attempt header "2" is not an attempt from 1 to 3' });
  });
});
