// What does the layered edge cost per request, next to the framework's own hello-world? For each
// framework one server process holds its hello and GET /products/:id (in-memory repository, so no
// database in the way), pinned to one core; the load generator is pinned to the other.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { markdownTable, median, ratio, reportBench } from '@cookbook/shared/bench';
import { signAccessToken } from '../app/api/access-token.js';
import { load } from './load.js';

const FRAMEWORKS = ['fastify', 'express'] as const;
const TARGETS = ['hello', 'route', 'route, access line dropped'] as const;
const ROUNDS = 5;
const SECONDS = 2;
const CONNECTIONS = 16;
const TOKEN_SECRET = randomBytes(32).toString('base64url');
const headers = { authorization: `Bearer ${signAccessToken({ userId: 1, role: 'user' }, TOKEN_SECRET)}` };

/** Server on core 0, this process (the load generator) on core 1; unpinned where that is impossible. */
function pinning(): { server: string[]; pinned: boolean } {
  if (availableParallelism() < 2) return { server: [], pinned: false };
  try {
    execFileSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
    return { server: ['taskset', '-c', '0'], pinned: true };
  } catch {
    return { server: [], pinned: false };
  }
}

async function startServer(framework: string, prefix: string[], children: ChildProcess[]): Promise<string[]> {
  const script = fileURLToPath(new URL('./serve-route-and-hello.ts', import.meta.url));
  const command = [...prefix, process.execPath, '--import', 'tsx', script, framework];
  const child = spawn(command[0] as string, command.slice(1), {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, TOKEN_SECRET },
  });
  children.push(child);
  let output = '';
  for await (const chunk of child.stdout ?? []) {
    output += String(chunk);
    const ready = /READY (\S+) (\S+) (\S+)/.exec(output);
    if (ready) return ready.slice(1);
  }
  throw new Error(`the ${framework} server exited before it was ready`);
}

async function rate(url: string, seconds: number): Promise<number> {
  const { requestsPerSecond, failures } = await load(url, { seconds, connections: CONNECTIONS, headers });
  if (failures > 0) throw new Error(`${url} answered ${failures} non-200s: the bench would measure errors`);
  return requestsPerSecond;
}

const { server: prefix, pinned } = pinning();
const children: ChildProcess[] = [];
const rows: (string | number)[][] = [];
try {
  for (const framework of FRAMEWORKS) {
    const urls = await startServer(framework, prefix, children);
    for (const url of urls) await rate(url, 1); // warm-up: JIT, sockets
    const samples = urls.map((): number[] => []);
    for (let round = 0; round < ROUNDS; round++)
      for (const [i, url] of urls.entries()) samples[i]?.push(await rate(url, SECONDS));
    const hello = median(samples[0] ?? []);
    for (const [i, target] of TARGETS.entries()) {
      const values = samples[i] ?? [];
      // The hello is the physical limit here: the route does all of its work and more.
      if (i > 0 && median(values) > hello * 1.1)
        throw new Error(`${framework} ${target} beat its hello (${median(values)} > ${hello} req/s): a broken bench`);
      const range = `${Math.round(Math.min(...values))}–${Math.round(Math.max(...values))}`;
      rows.push([framework, target, Math.round(median(values)), range, ratio(median(values), hello)]);
    }
    const child = children.pop();
    child?.kill('SIGTERM');
    if (child && child.exitCode === null) await once(child, 'exit');
  }
  reportBench(
    'route-vs-hello',
    `GET /products/1 through the layered edge (token check, request id, helmet headers, Joi, JSON access line via winston) ` +
      `vs the same framework's GET /hello in the same process; ${CONNECTIONS} keep-alive connections, median of ${ROUNDS} ` +
      `interleaved ${SECONDS} s rounds; ${pinned ? 'server pinned to core 0, load generator to core 1' : 'not pinned (one core, or no taskset)'}.\n\n` +
      markdownTable(['framework', 'endpoint', 'requests/s (median)', 'range', "vs the framework's hello"], rows),
  );
} finally {
  for (const child of children) {
    child.kill('SIGTERM');
    if (child.exitCode === null) await once(child, 'exit');
  }
}
