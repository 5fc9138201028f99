import { get } from '../../test/http.js';

/** How long each request takes (`/api/work?ms=`), and how many clients keep one in flight. */
export const SLOW_MS = 3_000;
export const CLIENTS = 8;

/** GET /api/work on a new connection; resolves with the pid of the worker that answered. */
export async function servedBy(url: string, ms = 20): Promise<number> {
  const reply = await get(`${url}/api/work?ms=${ms}`);
  if (reply.status !== 200) throw new Error(`status ${reply.status}`);
  return (JSON.parse(reply.body) as { pid: number }).pid;
}

/**
 * CLIENTS clients send SLOW_MS requests back to back, their starts staggered so that whenever a
 * worker is told to stop it holds requests with up to SLOW_MS left, well past pm2's default
 * kill_timeout of 1.6 s. `during` starts once the first reply shows every client is under way;
 * the clients stop when it resolves and their last requests have finished.
 */
export async function underLoad(url: string, during: () => Promise<unknown>) {
  let running = true;
  const outcomes = { ok: 0, failed: 0, pids: new Set<number>() };
  let firstReply: () => void = () => {};
  const underWay = new Promise<void>((resolve) => {
    firstReply = resolve;
  });
  const client = async (index: number) => {
    await new Promise((resolve) => setTimeout(resolve, (index * SLOW_MS) / CLIENTS));
    while (running) {
      await servedBy(url, SLOW_MS).then(
        (pid) => {
          outcomes.ok += 1;
          outcomes.pids.add(pid);
        },
        () => {
          outcomes.failed += 1;
        },
      );
      firstReply();
    }
  };
  const clients = Array.from({ length: CLIENTS }, (_, index) => client(index));
  await underWay;
  await during();
  running = false;
  await Promise.all(clients);
  return outcomes;
}
