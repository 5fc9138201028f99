import { testServices } from '@cookbook/shared/testing';
import { QueryTypes } from 'sequelize';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDatabase } from '../app/config/database.js';

/** The shared server's own database: these cases only read their session, so no test database is made. */
const url = () => testServices().databaseUrl;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createDatabase', () => {
  it("names its connections 'architecture-app' in pg_stat_activity when the caller names none", async () => {
    const db = createDatabase(url(), { poolMax: 1 });
    try {
      const rows = await db.query<{ application_name: string }>(
        'SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()',
        { type: QueryTypes.SELECT },
      );
      expect(rows).toEqual([{ application_name: 'architecture-app' }]);
    } finally {
      await db.close();
    }
  });

  it('prints no SQL: a query writes nothing to the console (Sequelize would console.log each one)', async () => {
    const methods = ['log', 'info', 'debug', 'warn', 'error'] as const;
    const printed = methods.map((method) => vi.spyOn(console, method).mockImplementation(() => {}));
    // Built after the spies: Sequelize keeps the console.log it finds when it is constructed.
    const db = createDatabase(url(), { poolMax: 1 });
    try {
      await db.query('SELECT 1', { type: QueryTypes.SELECT });
    } finally {
      await db.close();
    }
    expect(printed.flatMap((spy) => spy.mock.calls)).toEqual([]);
  });
});
