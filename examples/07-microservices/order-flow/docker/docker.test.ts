import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testServices, useTestDatabase } from '@cookbook/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOYABLES } from '../services/deployables.js';
import { readEnv } from '../services/env.js';
import { composeCheck, dockerfileStages, instruction, resolvedCompose, stageEnv } from './test/docker-files.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const packageRoot = join(here, '../..');
const stages = dockerfileStages(readFileSync(join(here, 'Dockerfile'), 'utf8'));
const compose = resolvedCompose(join(here, 'compose.yaml'));
const deployables = Object.values(DEPLOYABLES);
/** What every image loads before its service: tracing and error tracking (../../telemetry/register.ts). */
const TELEMETRY = './dist/telemetry/register.js';
const database = useTestDatabase('microservices_docker');

describe('compose.yaml', () => {
  it('is valid for docker-compose, which does reject a broken one', () => {
    expect(composeCheck(join(here, 'compose.yaml'))).toEqual({ status: 0, stderr: '' });
    const scratch = mkdtempSync(join(tmpdir(), 'compose-'));
    const broken = join(scratch, 'compose.yaml');
    writeFileSync(
      broken,
      'services:\n  api:\n    image: x\n    depends_on:\n      nowhere: { condition: service_healthy }\n',
    );
    expect(composeCheck(broken).status).not.toBe(0);
    rmSync(scratch, { recursive: true });
  });

  it('every service has a health check, and waits for what it needs to be healthy, not just started', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.healthcheck?.test, name).toBeDefined();
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect({ name, dependency, condition }).toEqual({ name, dependency, condition: 'service_healthy' });
      }
    }
  });

  // #region compose-config-test
  it("gives each service, from the image's ENV and its own environment, a config its schema accepts", () => {
    for (const { name, env: schema, port } of deployables) {
      const service = compose.services[name];
      expect(service?.build?.target, name).toBe(name);
      const config = readEnv(schema, { ...stageEnv(stages, name), ...service?.environment }) as Record<string, unknown>;
      expect({ name, host: config.HOST, port: config.PORT }).toEqual({ name, host: '0.0.0.0', port });
      expect(config.ADVERTISED_URL).toBe(`http://${name}:${port}`);
      // Docker SIGKILLs after stop_grace_period: the service must have given up on its own by then.
      expect(Number.parseInt(service?.stop_grace_period ?? '0', 10) * 1000).toBeGreaterThan(
        config.SHUTDOWN_TIMEOUT_MS as number,
      );
    }
  });
  // #endregion compose-config-test

  it('publishes only the gateway', () => {
    const published = Object.entries(compose.services).filter(([, s]) => (s.ports ?? []).length > 0);
    expect(published.map(([name]) => name)).toEqual(deployables.filter((d) => d.public).map((d) => d.name));
  });
});

describe('the Dockerfile: one build, a target per service, rehearsed without an engine', () => {
  // Inside the package so the compiled files resolve its node_modules; under dist/, which git ignores.
  mkdirSync(join(packageRoot, 'dist'), { recursive: true });
  const out = mkdtempSync(join(packageRoot, 'dist', 'rehearsal-'));
  beforeAll(() => {
    // The build stage's `pnpm run build`, into a scratch folder.
    execFileSync('pnpm', ['exec', 'tsc', '-p', 'tsconfig.build.json', '--outDir', out], { cwd: packageRoot });
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  const compiled = (path: string) => join(out, path.replace(/^(\.\/)?dist\//, ''));

  it('each target exposes its port and runs its compiled entry point in exec form, telemetry first', () => {
    for (const { name, entry, port } of deployables) {
      const stage = stages.find((s) => s.name === name);
      expect(instruction(stage, 'EXPOSE'), name).toBe(String(port));
      expect(stageEnv(stages, name).OTEL_SERVICE_NAME, name).toBe(name);
      const cmd = JSON.parse(instruction(stage, 'CMD') ?? '[]') as string[];
      expect(cmd).toEqual(['node', '--import', TELEMETRY, `dist/${entry.replace(/\.ts$/, '.js')}`]);
      expect(existsSync(join(out, entry.replace(/\.ts$/, '.js'))), entry).toBe(true);
    }
    expect(existsSync(compiled(TELEMETRY))).toBe(true);
  });

  it('ships no test, demo or launcher: only what the services run', () => {
    const shipped = readdirSync(out, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
    for (const file of shipped) expect(file).not.toMatch(/\.test\.js$|demo\.js$|launcher\.js$|(^|\/)test\//);
  });

  it('the compiled user-service starts on plain Node, passes the HEALTHCHECK, and exits 0 on SIGTERM', {
    timeout: 180_000,
  }, async () => {
    const probe = JSON.parse(/CMD (\[.*\])$/.exec(instruction(stages[1], 'HEALTHCHECK') ?? '')?.[1] ?? '[]');
    const cmd = JSON.parse(
      instruction(
        stages.find((s) => s.name === 'user-service'),
        'CMD',
      ) ?? '[]',
    ) as string[];
    const env = {
      ...{ HOST: '127.0.0.1', PORT: '0', METRICS_PORT: '0' },
      ...{ DATABASE_URL: database.url, REDIS_URL: testServices().redisUrl },
    };
    const [, , register = '', entry = ''] = cmd;
    const service = spawn(process.execPath, ['--import', compiled(register), compiled(entry)], {
      env: { ...process.env, ...env, REGISTRY_PREFIX: `docker-${process.pid}:` },
      stdio: ['ignore', 'pipe', 'inherit'],
    }); // plain Node: no tsx, as in the image
    const exited = once(service, 'exit').then(([code]) => code);
    try {
      let output = '';
      const port = await new Promise<string>((resolve, reject) => {
        void exited.then((code) => reject(new Error(`exited (${code}) before listening: ${output}`)));
        service.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          output += chunk;
          const found = /"url":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(output)?.[1];
          if (found) resolve(found);
        });
      });
      const check = spawnSync(process.execPath, [compiled(probe[1]), ...probe.slice(2)], { env: { PORT: port } });
      expect(check.status).toBe(0);
      service.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (service.exitCode === null) service.kill('SIGKILL');
    }
  });
});
