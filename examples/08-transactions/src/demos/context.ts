import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** What a recipe demo gets from `main`: fresh databases, the broker URL, a printer, and smoke mode. */
export interface DemoContext {
  /** A new empty database, dropped when the tour ends. */
  scratchDatabase(label: string): Promise<string>;
  amqpUrl: string;
  smoke: boolean;
  log(line: string): void;
}

/** Creates and drops throwaway databases next to the one `adminUrl` points at. */
export function scratchDatabases(adminUrl: string) {
  const created: string[] = [];
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    async create(label: string): Promise<string> {
      const name = `cb_demo_${label}_${randomBytes(3).toString('hex')}`;
      await run(`CREATE DATABASE "${name}"`);
      created.push(name);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async dropAll(): Promise<void> {
      for (const name of created.splice(0)) await run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}
