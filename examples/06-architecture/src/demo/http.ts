import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpApp } from '../app.js';
import type { Services } from '../composition.js';

/** A fresh address per run, so demos can repeat on the same database. */
export const demoEmail = (label: string) =>
  `${label}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;

/** Serves `app` on a free port for the length of `use`: real sockets, so concurrent requests are concurrent. */
export async function withServer<T>(
  app: ReturnType<typeof createHttpApp>,
  use: (base: string) => Promise<T>,
): Promise<T> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

export type Wired = Services;
export const appFor = (services: Wired, naive: boolean) =>
  createHttpApp(naive ? { ...services, users: services.naiveUsers } : services);

export async function postUsers(services: Wired, naive: boolean, bodies: object[]): Promise<number[]> {
  return withServer(appFor(services, naive), (base) =>
    Promise.all(
      bodies.map(async (body) => {
        const res = await fetch(`${base}/users`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        await res.arrayBuffer();
        return res.status;
      }),
    ),
  );
}

export function tally(statuses: number[]): string {
  const counts = new Map<number, number>();
  for (const status of statuses.sort()) counts.set(status, (counts.get(status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${n}× ${status}`).join(', ');
}
