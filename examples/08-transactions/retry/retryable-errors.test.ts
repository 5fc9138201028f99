import { describe, expect, it } from 'vitest';
import { isConflict, isConnectionLost, retryTransaction, sqlState } from './retry-transaction.js';

const pgError = (code: string) => Object.assign(new Error(code), { code });

describe('which errors are retried', () => {
  it('conflicts are found wherever they sit: the error, a Sequelize parent, a cause', () => {
    expect(isConflict(pgError('40001'))).toBe(true);
    expect(isConflict({ name: 'SequelizeDatabaseError', parent: pgError('40P01') })).toBe(true);
    expect(isConflict(new Error('aborted', { cause: pgError('55P03') }))).toBe(true);
    expect(isConflict(pgError('23514'))).toBe(false);
    expect(isConflict(new Error('no code at all'))).toBe(false);
  });

  it('only a five-character SQLSTATE counts: a Node error code or a number is skipped for the one beneath', () => {
    const wrapped = (code: unknown) => Object.assign(new Error('outer'), { code, cause: pgError('40001') });
    expect(sqlState(wrapped('ECONNRESET'))).toBe('40001');
    expect(sqlState(wrapped('40P01x'))).toBe('40001');
    expect(sqlState(wrapped(40001))).toBe('40001');
    expect(sqlState({ code: 40001 })).toBeUndefined();
    expect(sqlState('40001')).toBeUndefined();
    expect(sqlState(null)).toBeUndefined();
  });

  it('follows a chain five links deep, and a cause that points at itself ends the search', () => {
    const chain = (depth: number) => {
      let error: unknown = pgError('40001');
      for (let i = 0; i < depth; i++) error = new Error(`link ${i}`, { cause: error });
      return error;
    };
    expect(isConflict(chain(5))).toBe(true);
    expect(isConflict(chain(6))).toBe(false);
    const cyclic: { code?: string; cause?: unknown } = new Error('cyclic');
    cyclic.cause = cyclic;
    expect(isConflict(cyclic)).toBe(false);
    expect(isConnectionLost(cyclic)).toBe(false);
    const cyclicParent: { name: string; parent?: unknown } = { name: 'SequelizeDatabaseError' };
    cyclicParent.parent = cyclicParent;
    expect(isConflict(cyclicParent)).toBe(false);
  });

  it('a lost connection: class 08, the 57P01-03 shutdowns, a reset or broken pipe, or pg saying so', () => {
    for (const code of ['08006', '08P01', '57P01', '57P02', '57P03', 'ECONNRESET', 'EPIPE']) {
      expect(isConnectionLost(pgError(code)), code).toBe(true);
    }
    for (const code of ['22008', '57P04', '57P014', 'X57P01', 'ECONNREFUSED', 'XEPIPE', 'EPIPES', '40001']) {
      expect(isConnectionLost(pgError(code)), code).toBe(false);
    }
    expect(isConnectionLost(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionLost(new Error('Client has encountered a connection error and is not queryable'))).toBe(true);
    expect(isConnectionLost({ parent: new Error('x', { cause: pgError('57P01') }) })).toBe(true);
    expect(isConnectionLost(new Error('syntax error'))).toBe(false);
    // Only strings are read: a code or message of another type never matches by what it prints as.
    expect(isConnectionLost({ code: ['08006'] })).toBe(false);
    expect(isConnectionLost({ message: ['Connection terminated'] })).toBe(false);
  });

  it('a lost connection is told apart from a conflict: it is retried only where a caller says so', async () => {
    const cut = new Error('Connection terminated unexpectedly');
    expect(isConflict(cut)).toBe(false);
    let calls = 0;
    const once = () =>
      retryTransaction(
        async () => {
          if (++calls === 1) throw cut;
          return 'done';
        },
        { wait: async () => {}, retryOn: isConnectionLost },
      );
    await expect(once()).resolves.toBe('done');
    calls = 0;
    await expect(retryTransaction(async () => (++calls === 1 ? Promise.reject(cut) : 'done'))).rejects.toBe(cut);
  });
});
