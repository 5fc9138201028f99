import { createScratchDatabase, type ScratchDatabase } from '@cookbook/shared';
import pg from 'pg';

export type { ScratchDatabase };

/**
 * A throwaway database next to `adminUrl`, so the demo never touches tables that other programs
 * keep in the default database. Returns undefined on embedded PGlite (one database whatever the
 * URL names): the caller then uses `adminUrl` itself.
 */
export async function createDemoDatabase(adminUrl: string, label: string): Promise<ScratchDatabase | undefined> {
  return (await isEmbedded(adminUrl)) ? undefined : createScratchDatabase(adminUrl, label);
}

async function isEmbedded(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: string }>('SELECT version()');
    return rows[0]?.version.includes('PGlite') ?? false;
  } finally {
    await client.end();
  }
}
