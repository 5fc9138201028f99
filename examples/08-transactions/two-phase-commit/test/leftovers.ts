import type pg from 'pg';

/**
 * Rolls back every branch a test left prepared in these databases, the coordinator's and any other
 * (recovery.test.ts plants foreign ones on purpose): each is a test file's own scratch database. A
 * prepared transaction outlives its session, keeps its row locks (the next test's TRUNCATE would wait
 * on them) and blocks DROP DATABASE.
 */
export async function rollBackLeftovers(participants: Readonly<Record<string, pg.Pool>>): Promise<void> {
  for (const pool of Object.values(participants)) {
    const { rows } = await pool.query<{ gid: string }>(
      'SELECT gid FROM pg_prepared_xacts WHERE database = current_database()',
    );
    for (const { gid } of rows) await pool.query(`ROLLBACK PREPARED '${gid}'`);
  }
}
