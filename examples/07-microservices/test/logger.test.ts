import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { withCorrelationId } from '../correlation/correlation.js';
import { createLogger } from '../correlation/logger.js';

describe('the winston logger', () => {
  it('every line is JSON with the service, a timestamp and the correlation id of its own request', async () => {
    const lines: string[] = [];
    const log = createLogger('order-service', (line) => lines.push(line));
    // Two requests interleaved on one event loop: each line still carries its own id.
    const request = (id: string) =>
      withCorrelationId(id, async () => {
        log.info('received', { step: 1 });
        await sleep(5);
        log.warn('answered', { step: 2 });
      });
    await Promise.all([request('trace-a'), request('trace-b')]);
    log.error('outside any request');
    await sleep(0); // the stream transport hands lines on asynchronously
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toHaveLength(5);
    for (const entry of entries) {
      expect(entry).toMatchObject({ service: 'order-service' });
      expect(Date.parse(String(entry.timestamp))).not.toBeNaN();
    }
    const byId = (id: string) => entries.filter((e) => e.correlationId === id).map((e) => `${e.level} ${e.message}`);
    expect(byId('trace-a')).toEqual(['info received', 'warn answered']);
    expect(byId('trace-b')).toEqual(['info received', 'warn answered']);
    expect(entries.at(-1)).not.toHaveProperty('correlationId');
  });
});
