import { spawnSync } from 'node:child_process';

/** `docker-compose config -q`: exit status and stderr; a missing binary names the package to install. */
export function composeConfig(path: string): { status: number | null; stderr: string } {
  const result = spawnSync('docker-compose', ['-f', path, 'config', '-q'], { encoding: 'utf8' });
  if (result.error) {
    throw new Error(
      `docker-compose could not run (${result.error.message}): install the Debian package docker-compose`,
    );
  }
  return { status: result.status, stderr: result.stderr };
}

interface ComposeService {
  depends_on?: unknown;
  healthcheck?: unknown;
  stop_grace_period?: string;
  environment?: Record<string, string>;
}
export type Compose = { services: Record<string, ComposeService> };

/** Services the api waits for without a health condition: it would start against a database still booting. */
export function unhealthyDependencies(compose: Compose): string[] {
  const dependsOn = compose.services.api?.depends_on;
  if (Array.isArray(dependsOn)) return dependsOn.map(String);
  const conditions = Object.entries((dependsOn ?? {}) as Record<string, { condition?: string }>);
  return conditions
    .filter(([name, { condition }]) => condition !== 'service_healthy' || !compose.services[name]?.healthcheck)
    .map(([name]) => name);
}
