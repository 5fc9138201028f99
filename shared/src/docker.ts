import { existsSync } from 'node:fs';
import http from 'node:http';
import type { Started } from './resolve.js';
import type { ServiceName } from './services.js';

/** True when a Docker engine answers `/_ping` on DOCKER_HOST (unix or tcp) or the default socket. */
export async function dockerAvailable(env: NodeJS.ProcessEnv = process.env, timeoutMs = 1000): Promise<boolean> {
  const target = dockerTarget(env);
  if (!target) return false;
  return new Promise((resolve) => {
    const request = http.get({ ...target, path: '/_ping', timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

type DockerTarget = { socketPath: string } | { host: string; port: number };

export function dockerTarget(env: NodeJS.ProcessEnv): DockerTarget | undefined {
  const host = env.DOCKER_HOST;
  if (host?.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  if (host?.startsWith('tcp://')) {
    const url = new URL(host.replace(/^tcp:/, 'http:'));
    return { host: url.hostname, port: Number(url.port || 2375) };
  }
  return existsSync('/var/run/docker.sock') ? { socketPath: '/var/run/docker.sock' } : undefined;
}

/** The same images and settings as docker-compose.yml, started through testcontainers. */
export async function startContainer(name: ServiceName): Promise<Started> {
  // Loaded only on this path: testcontainers is heavy and most runs never need it.
  const { GenericContainer, Wait } = await import('testcontainers');
  switch (name) {
    case 'postgres': {
      const container = await new GenericContainer('postgres:17-alpine')
        .withEnvironment({ POSTGRES_PASSWORD: 'postgres' })
        .withCommand(['postgres', '-c', 'max_prepared_transactions=64', '-c', 'fsync=off'])
        .withExposedPorts(5432)
        .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
        .start();
      const url = `postgres://postgres:postgres@${container.getHost()}:${container.getMappedPort(5432)}/postgres`;
      return { url, stop: async () => void (await container.stop()) };
    }
    case 'redis': {
      const container = await new GenericContainer('redis:7-alpine')
        .withExposedPorts(6379)
        .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
        .start();
      return {
        url: `redis://${container.getHost()}:${container.getMappedPort(6379)}`,
        stop: async () => void (await container.stop()),
      };
    }
    case 'rabbitmq': {
      const container = await new GenericContainer('rabbitmq:4-management-alpine')
        .withExposedPorts(5672)
        .withWaitStrategy(Wait.forLogMessage(/Server startup complete/))
        .start();
      return {
        url: `amqp://guest:guest@${container.getHost()}:${container.getMappedPort(5672)}`,
        stop: async () => void (await container.stop()),
      };
    }
  }
}
