import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { platform } from 'node:os';

/** The lowest port a reserved range may start at: under it sit the well-known services. */
export const LOWEST = 10_000;

/**
 * Where the kernel takes the local ports of outgoing connections (and of `listen(0)`), as
 * [first, last]: Linux says in /proc; macOS and the BSDs use IANA's 49152-65535.
 */
export function ephemeralRange(): [number, number] {
  try {
    const [first, last] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    if (first && last) return [Number(first), Number(last)];
  } catch {
    // Not Linux.
  }
  return platform() === 'linux' ? [32768, 60999] : [49152, 65535];
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/**
 * `count` consecutive ports that are free now, below the ephemeral range, for a process that binds
 * them later (a child that loads its code first, pm2 worker N on base + N). A port from `listen(0)`
 * is the wrong choice there: it comes from the ephemeral range, so between releasing it and the
 * child's bind, any outgoing connection on the machine (a pool opening to Postgres) may take it as
 * its local port, and the child fails with EADDRINUSE. Below the range only another listener can.
 */
export async function reservablePort(count = 1, random: () => number = Math.random): Promise<number> {
  const [first] = ephemeralRange();
  const span = first - count - LOWEST;
  if (span <= 0) throw new Error(`no room below the ephemeral range (${first}) for ${count} ports`);
  for (let attempt = 0; attempt < 100; attempt++) {
    const start = LOWEST + Math.floor(random() * span);
    let free = true;
    for (let port = start; free && port < start + count; port++) free = await isFree(port);
    if (free) return start;
  }
  throw new Error(`no ${count} free consecutive ports between ${LOWEST} and ${first}`);
}
