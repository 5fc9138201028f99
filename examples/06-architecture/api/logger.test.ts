import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, createMemoryLogger, errorFields } from '../app/utils/logger.js';
import { runWithRequestId } from '../app/utils/request-context.js';

/** A winston logger writing into memory: the JSON lines it would print, parsed. */
function recordedLogger(level?: string) {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
  });
  return { logger: createLogger({ stream, level }), lines };
}

describe('createLogger: one JSON line per entry', () => {
  it('writes info, warn and error by default, each with its level and fields', async () => {
    const { logger, lines } = recordedLogger();
    logger.info('started', { port: 3000 });
    logger.warn('slow dependency', { dependency: 'database' });
    logger.error('failed');
    await new Promise(setImmediate);
    expect(lines.map(({ level, message }) => [level, message])).toEqual([
      ['info', 'started'],
      ['warn', 'slow dependency'],
      ['error', 'failed'],
    ]);
    expect(lines[0]).toMatchObject({ port: 3000, timestamp: expect.any(String) });
  });

  it('a higher level drops the lines below it', async () => {
    const { logger, lines } = recordedLogger('warn');
    logger.info('chatter');
    logger.warn('worth a look');
    await new Promise(setImmediate);
    expect(lines.map((line) => line.message)).toEqual(['worth a look']);
  });

  it("stamps the current request's id, but never over an id the caller named", async () => {
    const { logger, lines } = recordedLogger();
    runWithRequestId('req-1', () => {
      logger.info('inside');
      logger.info('about another request', { requestId: 'req-0' });
    });
    logger.info('outside');
    await new Promise(setImmediate);
    expect(lines.map((line) => [line.message, line.requestId])).toEqual([
      ['inside', 'req-1'],
      ['about another request', 'req-0'],
      ['outside', undefined],
    ]);
  });
});

describe('the memory logger and errorFields', () => {
  it('keeps every level it is given', () => {
    const logger = createMemoryLogger();
    logger.info('a');
    logger.warn('b', { dependency: 'database' });
    logger.error('c');
    expect(logger.entries).toEqual([
      { level: 'info', message: 'a', fields: {} },
      { level: 'warn', message: 'b', fields: { dependency: 'database' } },
      { level: 'error', message: 'c', fields: {} },
    ]);
  });

  it('names an Error by its parts, anything else thrown by its text', () => {
    const error = new TypeError('bad');
    expect(errorFields(error)).toEqual({ errorName: 'TypeError', errorMessage: 'bad', stack: error.stack });
    expect(errorFields('a thrown string')).toEqual({ thrown: 'a thrown string' });
  });
});
