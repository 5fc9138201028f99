import { randomUUID } from 'node:crypto';
import { useTestDatabase } from '@cookbook/shared/testing';
import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { branchGid, createCoordinatorLog, DistributedTransactionAborted, decide } from './coordinator-log.js';

const coordinatorDatabase = useTestDatabase('coordinator');
let log: pg.Pool;

beforeAll(async () => {
  log = coordinatorDatabase.pool({ max: 2 });
  await createCoordinatorLog(log);
  await createCoordinatorLog(log); // a coordinator restarting finds its log there
});

describe('coordinator log: the gid spliced into PREPARE TRANSACTION', () => {
  const txId = '0b7c5e1a-9f1e-4c1d-8a2b-3c4d5e6f7a8b';

  it('names the coordinator, the transaction and the participant, which recovery splits on ":"', () => {
    expect(branchGid(txId, 'bank_a')).toBe(`cb2pc:${txId}:bank_a`);
    expect(branchGid(txId, 'x'.repeat(40))).toBe(`cb2pc:${txId}:${'x'.repeat(40)}`);
  });

  it.each([
    ['a quote before the id', `'${txId}`, 'bank_a'],
    ['a quote after the id', `${txId}'`, 'bank_a'],
    ['an id that is not a uuid', 'not-a-uuid', 'bank_a'],
    ['a quote in the participant', txId, "bank_a'; COMMIT PREPARED 'x"],
    ['a quote ahead of the participant', txId, "'bank_a"],
    ['a quote after the participant', txId, "bank_a'"],
    ['an empty participant', txId, ''],
    ['a participant over 40 characters', txId, 'x'.repeat(41)],
    ['a colon, which would break recovery', txId, 'bank:a'],
  ])('refuses %s', (_case, id, participant) => {
    expect(() => branchGid(id, participant)).toThrow(
      new RangeError(`unsafe transaction id or participant name: ${id} ${participant}`),
    );
  });
});

describe('coordinator log: the decision', () => {
  const logged = async () => {
    const txId = randomUUID();
    await log.query('INSERT INTO tpc_log (id, participants) VALUES ($1, $2)', [txId, ['bank_a', 'bank_b']]);
    return txId;
  };

  it('is written once: whoever decides second gets the first decision', async () => {
    const committed = await logged();
    expect(await decide(log, committed, 'commit')).toBe('commit');
    expect(await decide(log, committed, 'abort')).toBe('commit');
    const aborted = await logged();
    expect(await decide(log, aborted, 'abort')).toBe('abort');
    expect(await decide(log, aborted, 'commit')).toBe('abort');
    const { rows } = await log.query('SELECT id, decision FROM tpc_log WHERE id = ANY($1::uuid[]) ORDER BY decision', [
      [committed, aborted],
    ]);
    expect(rows).toEqual([
      { id: aborted, decision: 'abort' },
      { id: committed, decision: 'commit' },
    ]);
  });

  it('a coordinator and a recovery racing on one transaction agree', async () => {
    const txId = await logged();
    const answers = await Promise.all([decide(log, txId, 'commit'), decide(log, txId, 'abort')]);
    expect(new Set(answers).size).toBe(1);
  });

  it('a transaction the log has never seen is aborted', async () => {
    expect(await decide(log, randomUUID(), 'commit')).toBe('abort');
  });

  it('refuses a decision that is neither commit nor abort', async () => {
    await expect(decide(log, await logged(), 'maybe' as 'commit')).rejects.toMatchObject({ code: '23514' });
  });
});

describe('DistributedTransactionAborted', () => {
  it('names the participant that voted no, or recovery when it decided first, and keeps the cause', () => {
    const cause = new Error('new row violates check constraint');
    const refused = new DistributedTransactionAborted('tx-1', 'bank_b', cause);
    expect(refused).toMatchObject({
      name: 'DistributedTransactionAborted',
      txId: 'tx-1',
      participant: 'bank_b',
      cause,
    });
    expect(refused.message).toBe('transaction tx-1 aborted: bank_b could not prepare');
    expect(new DistributedTransactionAborted('tx-2', undefined, undefined).message).toBe(
      'transaction tx-2 aborted: recovery could not prepare',
    );
  });
});
