import type { Deployment } from 'kubernetes-models/apps/v1';
import type { IContainer, IProbe } from 'kubernetes-models/v1';
import { ConfigError, loadConfig } from '../config/config.js';
import type { ServiceManifests } from './manifests.js';

// What the schemas cannot see: whether the objects agree with each other, with the app and with the
// image. Each check returns one line per problem, naming the fix; an empty list passes.

function container(deployment: Deployment): IContainer {
  const first = deployment.spec?.template.spec?.containers[0];
  if (!first) throw new Error(`Deployment ${deployment.metadata?.name} has no container`);
  return first;
}

const matches = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  selector !== undefined &&
  Object.keys(selector).length > 0 &&
  Object.entries(selector).every(([k, v]) => labels[k] === v);

// #region selector-check
/** Every selector picks the Deployment's pods: one that does not selects nothing (or someone else's). */
export function selectorProblems(m: ServiceManifests): string[] {
  const labels = m.deployment.spec?.template.metadata?.labels ?? {};
  const selectors: [string, Record<string, string> | undefined][] = [
    ['Deployment spec.selector', m.deployment.spec?.selector.matchLabels],
    ['Service spec.selector', m.service.spec?.selector],
    ['PodDisruptionBudget spec.selector', m.disruptionBudget.spec?.selector?.matchLabels],
    ['NetworkPolicy spec.podSelector', m.networkPolicy.spec?.podSelector?.matchLabels],
  ];
  const problems = selectors
    .filter(([, selector]) => !matches(selector, labels))
    .map(
      ([where, selector]) =>
        `${where} ${JSON.stringify(selector)} does not match the pod labels ${JSON.stringify(labels)}`,
    );
  const target = m.autoscaler.spec?.scaleTargetRef;
  if (target?.kind !== 'Deployment' || target.name !== m.deployment.metadata?.name) {
    problems.push(
      `HorizontalPodAutoscaler scales ${target?.kind}/${target?.name}, not Deployment/${m.deployment.metadata?.name}`,
    );
  }
  return problems;
}
// #endregion selector-check

// #region probe-check
/**
 * Each probe asks a route the app serves, on a port the container declares. `status(path)` asks the
 * real app; a 404 means the probe would fail for ever (and liveness would restart the pod in a loop).
 */
export async function probeProblems(
  deployment: Deployment,
  status: (path: string) => Promise<number>,
): Promise<string[]> {
  const c = container(deployment);
  const probes: [string, IProbe | undefined][] = [
    ['startupProbe', c.startupProbe],
    ['livenessProbe', c.livenessProbe],
    ['readinessProbe', c.readinessProbe],
  ];
  const problems: string[] = [];
  for (const [kind, probe] of probes) {
    const get = probe?.httpGet;
    if (!get) {
      problems.push(`${kind} is missing or not an httpGet probe`);
      continue;
    }
    const declared = (c.ports ?? []).some((p) => p.name === get.port || p.containerPort === get.port);
    if (!declared) problems.push(`${kind} probes port ${get.port}, which the container does not declare in ports`);
    const answer = await status(get.path ?? '/');
    if (answer === 404) problems.push(`${kind} path ${get.path} is not a route of the app (404)`);
  }
  return problems;
}
// #endregion probe-check

// #region grace-check
/** The kubelet SIGKILLs at the end of the grace period, preStop included: it must outlast both. */
export function gracePeriodProblems(deployment: Deployment, shutdownTimeoutMs: number): string[] {
  const grace = deployment.spec?.template.spec?.terminationGracePeriodSeconds ?? 30;
  const preStop = container(deployment).lifecycle?.preStop?.sleep?.seconds ?? 0;
  const needed = preStop + shutdownTimeoutMs / 1_000;
  return grace > needed
    ? []
    : [
        `terminationGracePeriodSeconds ${grace} must exceed preStop ${preStop} s + the shutdown deadline ${shutdownTimeoutMs / 1_000} s: raise it above ${needed}`,
      ];
}
// #endregion grace-check

// #region env-check
/** The variables production refuses to boot without, asked of the config schema itself. */
export function requiredVariables(): readonly string[] {
  try {
    loadConfig({ NODE_ENV: 'production' });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.variables;
    throw error;
  }
}

/** Every required variable reaches the container: as a value, a Secret or ConfigMap key, or a ConfigMap it loads whole. */
export function missingVariables(m: ServiceManifests, required: readonly string[]): string[] {
  const c = container(m.deployment);
  const fromEnv = new Set((c.env ?? []).filter((e) => e.value !== undefined || e.valueFrom).map((e) => e.name));
  const fromConfigMap = (c.envFrom ?? []).some((e) => e.configMapRef?.name === m.configMap.metadata?.name)
    ? Object.keys(m.configMap.data ?? {})
    : [];
  const provided = new Set([...fromEnv, ...fromConfigMap]);
  return required
    .filter((name) => !provided.has(name))
    .map(
      (name) =>
        `${name} is required by the config schema but the container gets no value for it: add it to env (a secretKeyRef) or the ConfigMap`,
    );
}
// #endregion env-check

// #region image-check
/** The repository the Dockerfile's documented build line tags (`docker build … -t <repository> .`). */
export function dockerBuildRepository(dockerfile: string): string {
  const tag = /docker build\b.*\s-t\s+(\S+)/.exec(dockerfile)?.[1];
  if (!tag) throw new Error('the Dockerfile documents no `docker build … -t <name>` line to take the image name from');
  return tag.replace(/:[^/:]+$/, '');
}

/** The pod runs the image that Dockerfile builds, under a pinned tag: `latest` is whatever was pushed last. */
export function imageProblems(deployment: Deployment, repository: string): string[] {
  const image = container(deployment).image ?? '';
  const at = image.lastIndexOf(':');
  const [name, tag] = at > image.lastIndexOf('/') ? [image.slice(0, at), image.slice(at + 1)] : [image, ''];
  const problems: string[] = [];
  if (name !== repository) problems.push(`image ${image} is not ${repository}, the image the Dockerfile builds`);
  if (tag === '' || tag === 'latest')
    problems.push(`image ${image} has no pinned tag: use ${repository}:<version or commit>`);
  return problems;
}
// #endregion image-check
