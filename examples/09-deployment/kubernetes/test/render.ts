import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { dockerBuildRepository } from '../image-check.js';
import type { ServiceManifests } from '../manifests.js';

/** One YAML stream, a document per object, in the order `kubectl apply -f` should create them. */
export function manifestsYaml(m: ServiceManifests): string {
  const ordered = [m.configMap, m.deployment, m.service, m.autoscaler, m.disruptionBudget, m.networkPolicy];
  return ordered.map((model) => stringify(model.toJSON())).join('---\n');
}

/** The image repository the docker recipe's Dockerfile builds. */
export function builtRepository(): string {
  return dockerBuildRepository(readFileSync(new URL('../../docker/Dockerfile', import.meta.url), 'utf8'));
}
