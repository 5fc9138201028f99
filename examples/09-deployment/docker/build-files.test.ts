import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../config/config.js';
import { type Compose, composeConfig, unhealthyDependencies } from './test/compose.js';
import { dockerignore, readText } from './test/rehearsal.js';

// The files as written; docker.test.ts runs what they build.
const here = fileURLToPath(new URL('.', import.meta.url));
const dockerfile = readText(join(here, 'Dockerfile'));

describe('Dockerfile', () => {
  it('passes the offline Dockerfile validator, which does flag a broken file', () => {
    expect(validate(dockerfile)).toEqual([]);
    expect(validate(`${dockerfile}\nCOPYY dist ./dist\n`).map((d) => d.message)).toContain(
      'Unknown instruction: COPYY',
    );
  });

  it('has a .dockerignore that keeps node_modules, builds, logs and secrets out of the context', () => {
    const ignored = dockerignore(readText(join(here, 'Dockerfile.dockerignore')));
    for (const path of [
      'node_modules',
      'examples/09-deployment/node_modules',
      'examples/09-deployment/dist',
      '.env',
      '.git',
    ]) {
      expect(ignored(path), path).toBe(true);
    }
    expect(ignored('examples/09-deployment/service/start.ts')).toBe(false);
  });
});

describe('compose.yaml', () => {
  it('is valid for docker-compose, and so is the Q&A one', () => {
    expect(composeConfig(join(here, 'compose.yaml'))).toEqual({ status: 0, stderr: '' });
    expect(composeConfig(join(here, 'compose.naive.yaml')).status).toBe(0);
  });

  it('starts the api only once Postgres and Redis are healthy; the Q&A file only waits for a container', () => {
    expect(unhealthyDependencies(parse(readText(join(here, 'compose.yaml'))) as Compose)).toEqual([]);
    expect(unhealthyDependencies(parse(readText(join(here, 'compose.naive.yaml'))) as Compose)).toEqual(['db']);
  });

  it('gives the container more time to stop than the app gives itself', () => {
    const api = (parse(readText(join(here, 'compose.yaml'))) as Compose).services.api;
    const grace = Number(/^(\d+)s$/.exec(api?.stop_grace_period ?? '')?.[1]) * 1000;
    const config = loadConfig(api?.environment);
    expect(grace).toBeGreaterThan(config.shutdownTimeoutMs);
  });
});
