import type { Started } from './resolve.js';

/**
 * PGlite behind a Postgres wire-protocol socket, so `pg` connects to it like a server.
 * One session underneath: fine for CRUD demos, wrong for anything about locks or concurrency.
 */
export async function startEmbeddedPostgres(): Promise<Started> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const db = await PGlite.create();
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 10 });
  await server.start();
  const url = `postgres://postgres:postgres@${server.getServerConn()}/postgres`;
  return {
    url,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}
