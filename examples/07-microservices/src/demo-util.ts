import { randomBytes } from 'node:crypto';

/** Names no other run uses, so demos can run side by side and clean up after themselves. */
export const demoId = () => `cookbook.microservices.${randomBytes(3).toString('hex')}`;
export const elapsed = (start: number) => `${(performance.now() - start).toFixed(0)} ms`;

/** Polls `done` every 20 ms; a demo that waited forever would hide the failure it should show. */
export async function waitFor(done: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
