import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServerStats, runtimeCommand, startHaproxy } from './haproxy.js';
import { haproxyConfig } from './haproxy-config.js';
import { FLEET_CHECKS } from './test/fleet.js';
import { startSmallFleet } from './test/small-fleet.js';

const HAPROXY = '/usr/sbin/haproxy';
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cookbook-haproxy-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const config = (port: number) =>
  haproxyConfig({
    frontendPort: port,
    backends: [{ name: 'api-1', host: '127.0.0.1', port: 1 }],
    statsSocket: join(dir, 'stats.sock'),
    ...FLEET_CHECKS,
  });

describe('the generated HAProxy configuration', () => {
  it('is one HAProxy accepts (haproxy -c), with the readiness probe and its timing', async () => {
    const path = join(dir, 'ok.cfg');
    await writeFile(path, config(8080));
    expect(execFileSync(HAPROXY, ['-c', '-f', path], { encoding: 'utf8' })).toContain('Configuration file is valid');
    expect(config(8080).split('\n')).toEqual(
      expect.arrayContaining([
        `  stats socket ${join(dir, 'stats.sock')} mode 600 level admin`,
        // A soft stop that waits for open requests, but not for ever.
        '  hard-stop-after 5s',
        '  mode http',
        // Keep-alive on both sides, and no wait without an end on a peer that hangs.
        '  option http-keep-alive',
        '  timeout connect 2s',
        '  timeout client 30s',
        '  timeout server 30s',
        '  timeout http-keep-alive 10s',
        // Well above a loaded machine's readiness answer: unset, a probe would get only the 200 ms interval.
        '  timeout check 2000ms',
        '  bind 127.0.0.1:8080',
        '  default_backend instances',
        '  balance roundrobin',
        '  option httpchk GET /health/ready',
        '  http-check expect status 200',
        '  default-server check inter 200ms fall 2 rise 1',
        '  server api-1 127.0.0.1:1',
      ]),
    );
  });

  it('a configuration HAProxy refuses fails the start with HAProxy’s own words', async () => {
    const broken = config(8081).replace('balance roundrobin', 'balance sideways');
    const start = startHaproxy({
      config: broken,
      configPath: join(dir, 'bad.cfg'),
      statsSocket: join(dir, 'bad.sock'),
      backend: 'instances',
      binary: HAPROXY,
    });
    await expect(start).rejects.toThrow(/haproxy did not start: .*balance only supports/s);
  });
});

describe('startHaproxy', () => {
  it('a missing binary fails the start saying what to install', async () => {
    const start = startHaproxy({
      config: config(8082),
      configPath: join(dir, 'missing.cfg'),
      statsSocket: join(dir, 'missing.sock'),
      backend: 'instances',
      binary: join(dir, 'no-haproxy-here'),
    });
    await expect(start).rejects.toThrow(
      /^haproxy did not start: spawn \S+no-haproxy-here ENOENT \(install the Debian package haproxy, or pass its path as binary\)$/,
    );
  });

  it('reads its servers from the runtime API, names what it saw on a timeout, and soft-stops an open request to its end', async () => {
    const fleet = await startSmallFleet(1);
    try {
      await fleet.haproxy.waitFor('api-1', 'UP');
      expect(await fleet.haproxy.stats()).toEqual([{ name: 'api-1', status: 'UP', retries: 0, redispatches: 0 }]);
      expect((await fetch(`${fleet.url}/api/time`)).headers.get('x-served-by')).toBe('api-1');
      await expect(fleet.haproxy.waitFor('api-9', 'UP', 300)).rejects.toThrow(
        'timed out after 300 ms waiting for api-9 to be UP (last seen: no such server)',
      );
      expect(await runtimeCommand(fleet.statsSocket, 'show servers state')).toContain('api-1');
      const arrived = once(fleet.arrivals, 'slow');
      const open = fetch(`${fleet.url}/slow`);
      await arrived;
      const stopped = fleet.haproxy.stop();
      expect((await open).status).toBe(200);
      await stopped;
      await expect(fetch(fleet.url)).rejects.toThrow('fetch failed');
      await fleet.haproxy.stop();
    } finally {
      await fleet.stop();
    }
  });
});

describe('show stat', () => {
  it('is read by column name, servers only, of the backend asked for', () => {
    const csv = [
      '# pxname,svname,qcur,wretr,wredis,status,weight',
      'instances,FRONTEND,0,,,OPEN,',
      'instances,api-1,0,2,1,UP,1',
      'instances,api-2,0,0,0,DOWN,1',
      'other,api-9,0,0,0,UP,1',
      'instances,BACKEND,0,2,1,UP,2',
    ].join('\n');
    expect(parseServerStats(csv, 'instances')).toEqual([
      { name: 'api-1', status: 'UP', retries: 2, redispatches: 1 },
      { name: 'api-2', status: 'DOWN', retries: 0, redispatches: 0 },
    ]);
  });
});
