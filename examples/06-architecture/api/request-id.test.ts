import { describe, expect, it } from 'vitest';
import { requestIdFrom } from '../app/api/request-id.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('requestIdFrom', () => {
  it("keeps a caller's id made of safe characters, the first of several", () => {
    expect(requestIdFrom('trace-42:a.b_c')).toBe('trace-42:a.b_c');
    expect(requestIdFrom(['first-id', 'second-id'])).toBe('first-id');
  });

  it('replaces an id that is only partly safe, too long or missing with a fresh UUID', () => {
    // Safe at both ends is not enough: the whole value must match, or it reaches logs and headers as it is.
    for (const header of ['has space', 'x'.repeat(65), '', undefined]) expect(requestIdFrom(header)).toMatch(UUID);
    expect(requestIdFrom('x'.repeat(64))).toBe('x'.repeat(64));
  });
});
