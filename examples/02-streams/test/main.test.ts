import { describe, expect, it, vi } from 'vitest';
import { main } from '../src/main.js';

describe('main', () => {
  it('names the valid recipes and returns 1 for an unknown one', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main('no-such-recipe')).toBe(1);
    expect(error.mock.calls[0]?.[0]).toMatch(
      /read-file, pipeline, backpressure, transform, duplex, upload, csv-import/,
    );
    error.mockRestore();
  });

  it('returns 2 with a one-line message for a bad read-file size', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main('read-file', 'lots')).toBe(2);
    expect(error.mock.calls[0]?.[0]).toMatch(/size must be a whole number of MiB/);
    error.mockRestore();
  });
});
