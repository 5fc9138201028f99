import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { useTestDatabase } from '@cookbook/shared/testing';
import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyInBatches } from './copy-batches.js';
import { createPeopleTable, type Person } from './people.js';
import { countRows } from './test/count-rows.js';
import type { ImportCounts } from './validate-rows.js';

const database = useTestDatabase('streams-csv-copy-batches');
let pool: pg.Pool;

beforeAll(() => {
  pool = database.pool({ max: 3 });
});

const person = (n: number, age = 30): Person => ({ email: `b${n}@example.com`, name: `B ${n}`, age });

describe('batches in order', () => {
  it('a failed batch fails the import, and the batch after it, already filled, is rolled back', async () => {
    await createPeopleTable(pool, 'people_in_order');
    const counts: ImportCounts = { rows: 0, valid: 0, rejected: 0, inserted: 0, batches: 0 };
    // Batch 1 breaks the table's CHECK on age; batch 2 is fine and fills while batch 1 commits.
    const people = [person(1), person(2, 200), person(3), person(4)];
    const writer = copyInBatches({ pool, table: 'people_in_order', batchSize: 2, timeoutMs: 10_000 }, counts);
    await expect(pipeline(Readable.from(people), writer)).rejects.toThrow(/check constraint/);
    expect(await countRows(pool, 'people_in_order')).toBe(0);
    expect(counts.batches).toBe(0);
  });
});
