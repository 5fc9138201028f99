// Where a layered request's CPU goes: serves GET /products/1 under load with V8's CPU profiler and
// charges each sample to the package (or app file) nearest the top of its stack, so Node's own
// work (setHeader, socket writes) is charged to whoever asked for it.
// Usage: tsx bench/profile-route.ts <fastify|express> [seconds]; KEEP_PROFILE=1 keeps the .cpuprofile
// to open in Chrome DevTools.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signAccessToken } from '../app/api/access-token.js';
import { load } from './load.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

// Packages that belong to a framework or a library the app chose, by what a reader would call them.
const FAMILY: Record<string, string> = {
  'find-my-way': 'fastify',
  'fast-json-stringify': 'fastify',
  router: 'express',
  'body-parser': 'express',
  'path-to-regexp': 'express',
  'mime-types': 'express',
  'content-type': 'express',
  debug: 'express',
  logform: 'winston',
  'winston-transport': 'winston',
  'readable-stream': 'winston',
  'safe-stable-stringify': 'winston',
  '@hapi/hoek': 'joi',
};

function ownerOf(url: string): string | undefined {
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return FAMILY[pkg] ?? pkg;
  if (url.includes('/bench/')) return 'bench (log sink, in-memory repository)';
  return url.includes('/06-architecture/') ? url.split('/06-architecture/')[1] : undefined;
}

/** Share of samples per owner: the nearest frame from a package or an app file, walking up the stack. */
export function sharesByOwner(profile: Profile): Map<string, number> {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const totals = new Map<string, number>();
  for (const [i, sample] of profile.samples.entries()) {
    const leaf = nodes.get(sample)?.callFrame;
    // V8's own buckets: idle, the engine itself (program), the garbage collector.
    let owner =
      leaf && !leaf.url && leaf.functionName !== '(root)' && /^\(/.test(leaf.functionName)
        ? leaf.functionName
        : undefined;
    for (let id: number | undefined = sample; id !== undefined && !owner; id = parents.get(id))
      owner = ownerOf(nodes.get(id)?.callFrame.url ?? '');
    const key = owner ?? 'node core';
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const all = [...totals.values()].reduce((a, b) => a + b, 0);
  return new Map([...totals].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, v / all]));
}

export interface RouteProfile {
  requestsPerSecond: number;
  /** Share of the server's CPU samples per owner, largest first. */
  shares: Map<string, number>;
}

/** GET /products/1 of one framework under load for `seconds`, profiled after a warm-up. */
export async function profileRoute(framework: string, seconds: number): Promise<RouteProfile> {
  const secret = randomBytes(32).toString('base64url');
  const dir = mkdtempSync(join(tmpdir(), 'route-profile-'));
  const file = join(dir, 'route.cpuprofile');
  const script = fileURLToPath(new URL('./serve-route-and-hello.ts', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script, framework], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, TOKEN_SECRET: secret, CPU_PROFILE: file },
  });
  let output = '';
  for await (const chunk of child.stdout ?? []) {
    output += String(chunk);
    if (output.includes('READY')) break;
  }
  const route = output.trim().split(' ')[2] ?? '';
  const headers = { authorization: `Bearer ${signAccessToken({ userId: 1, role: 'user' }, secret)}` };
  await load(route, { seconds: 1, headers }); // warm-up: JIT, sockets, lazily loaded modules
  child.kill('SIGUSR2'); // the server starts its profiler now
  const { requestsPerSecond } = await load(route, { seconds, headers });
  child.kill('SIGTERM');
  await once(child, 'exit');
  const shares = sharesByOwner(JSON.parse(readFileSync(file, 'utf8')) as Profile);
  if (process.env.KEEP_PROFILE) console.log(file);
  else rmSync(dir, { recursive: true, force: true });
  return { requestsPerSecond, shares };
}

// Node 22.18+/24: true only when this file is the one Node was asked to run.
if (import.meta.main) {
  const [framework = 'fastify', seconds = '8'] = process.argv.slice(2);
  const { requestsPerSecond, shares } = await profileRoute(framework, Number(seconds));
  console.log(`${framework} GET /products/1: ${Math.round(requestsPerSecond)} requests/s while profiled`);
  for (const [owner, share] of shares)
    if (share >= 0.005) console.log(`${(share * 100).toFixed(1).padStart(5)}%  ${owner}`);
}
