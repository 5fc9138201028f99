import { describe, expect, it } from 'vitest';
import { isConflict, isConnectionLost, retryTransaction } from './retry-transaction.js';

describe('retryTransaction', () => {
  const serializationFailure = () => Object.assign(new Error('could not serialize access'), { code: '40001' });
  const noWait = async () => {};

  it('gives up after `attempts` tries and throws the last error', async () => {
    let calls = 0;
    const failing = retryTransaction(
      async () => {
        calls++;
        throw serializationFailure();
      },
      { attempts: 4, wait: noWait },
    );
    await expect(failing).rejects.toThrow('could not serialize access');
    expect(calls).toBe(4);
  });

  it('does not retry an error that is not a conflict', async () => {
    let calls = 0;
    const failing = retryTransaction(
      async () => {
        calls++;
        throw Object.assign(new Error('duplicate key'), { code: '23505' });
      },
      { wait: noWait },
    );
    await expect(failing).rejects.toThrow('duplicate key');
    expect(calls).toBe(1);
  });

  it('waits a random delay below an exponentially growing, capped ceiling', async () => {
    const delays: number[] = [];
    await expect(
      retryTransaction(
        async () => {
          throw serializationFailure();
        },
        {
          attempts: 8,
          baseDelayMs: 10,
          maxDelayMs: 200,
          random: () => 0.999,
          wait: noWait,
          onRetry: (_a, _e, ms) => delays.push(ms),
        },
      ),
    ).rejects.toThrow();
    expect(delays).toEqual([9, 19, 39, 79, 159, 199, 199]);
    const jittered: number[] = [];
    await retryTransaction(
      async (attempt) => {
        if (attempt < 3) throw serializationFailure();
      },
      { baseDelayMs: 10, random: () => 0, wait: noWait, onRetry: (_a, _e, ms) => jittered.push(ms) },
    );
    expect(jittered).toEqual([0, 0]);
  });
});

describe('which errors are retried', () => {
  const pgError = (code: string) => Object.assign(new Error(code), { code });

  it('conflicts are found wherever they sit: the error, a Sequelize parent, a cause', () => {
    expect(isConflict(pgError('40001'))).toBe(true);
    expect(isConflict({ name: 'SequelizeDatabaseError', parent: pgError('40P01') })).toBe(true);
    expect(isConflict(new Error('aborted', { cause: pgError('55P03') }))).toBe(true);
    expect(isConflict(pgError('23514'))).toBe(false);
  });

  it('a lost connection is told apart from a conflict: it is retried only where a caller says so', async () => {
    const cut = new Error('Connection terminated unexpectedly');
    expect(isConnectionLost(cut)).toBe(true);
    expect(isConnectionLost(pgError('57P01'))).toBe(true);
    expect(isConnectionLost(pgError('08006'))).toBe(true);
    expect(isConnectionLost(pgError('40001'))).toBe(false);
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
