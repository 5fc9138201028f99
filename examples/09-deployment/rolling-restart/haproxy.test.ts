import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServerStats, startHaproxy } from './haproxy.js';
import { haproxyConfig } from './haproxy-config.js';
import { FLEET_CHECKS } from './test/fleet.js';

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
    expect(config(8080)).toContain('option httpchk GET /health/ready');
    expect(config(8080)).toContain('default-server check inter 200ms fall 2 rise 1');
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
