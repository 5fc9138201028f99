import type { Deployment } from 'kubernetes-models/apps/v1';
import type { IContainer, IEnvVar, ILifecycleHandler, IProbe } from 'kubernetes-models/v1';
import { ConfigError, loadConfig } from '../config/config.js';
import type { ServiceManifests } from './manifests.js';

// What the schemas cannot see: whether the objects agree with each other, with the app and with the
// image. Each check returns one line per problem, naming the fix; an empty list passes.

/** The pod's (only) container; a Deployment without one is named, not met with a TypeError. */
export function container(deployment: Deployment): IContainer {
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
  // The HPA controller finds its target by all three: another apiVersion is a kind it cannot scale.
  const target = m.autoscaler.spec?.scaleTargetRef;
  const wanted = `${m.deployment.apiVersion} Deployment/${m.deployment.metadata?.name}`;
  const aimed = `${target?.apiVersion} ${target?.kind}/${target?.name}`;
  if (aimed !== wanted) problems.push(`HorizontalPodAutoscaler scales ${aimed}, not ${wanted}`);
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
    // Stryker disable next-line ArrayDeclaration: an entry that is a string has neither name nor containerPort: it declares nothing
    const declared = (c.ports ?? []).some((p) => p.name === get.port || p.containerPort === get.port);
    if (!declared) problems.push(`${kind} probes port ${get.port}, which the container does not declare in ports`);
    // With no path the kubelet asks `/`.
    const path = get.path ?? '/';
    if ((await status(path)) === 404) problems.push(`${kind} path ${path} is not a route of the app (404)`);
  }
  return problems;
}
// #endregion probe-check

// #region grace-check
/** The kubelet SIGKILLs at the end of the grace period, preStop included: it must outlast both. */
export function gracePeriodProblems(deployment: Deployment, shutdownTimeoutMs: number): string[] {
  const grace = deployment.spec?.template.spec?.terminationGracePeriodSeconds ?? 30;
  const hook = container(deployment).lifecycle?.preStop;
  const preStop = hook ? preStopPause(hook) : 0;
  if (preStop === undefined) {
    return [
      `preStop runs ${JSON.stringify(hook)}, whose length no check can know: use sleep (or exec ["sleep", "<seconds>"]) so the grace period can be checked`,
    ];
  }
  const needed = preStop + shutdownTimeoutMs / 1_000;
  return grace > needed
    ? []
    : [
        `terminationGracePeriodSeconds ${grace} must exceed preStop ${preStop} s + the shutdown deadline ${shutdownTimeoutMs / 1_000} s: raise it above ${needed}`,
      ];
}
// #endregion grace-check

/** Seconds a preStop hook holds SIGTERM back: the sleep action, or `sleep N` as older clusters run it. */
function preStopPause(hook: ILifecycleHandler): number | undefined {
  if (hook.sleep) return hook.sleep.seconds;
  if (!hook.exec?.command) return undefined;
  const [program, seconds, ...more] = hook.exec.command;
  const pause = Number(seconds);
  return program === 'sleep' && more.length === 0 && Number.isInteger(pause) ? pause : undefined;
}

// #region env-check
/** The variables production refuses to boot without, asked of the config schema itself. */
export function requiredVariables(): readonly string[] {
  try {
    // Stryker disable next-line ObjectLiteral: loadConfig counts an unset NODE_ENV as production, so {} asks the same question
    loadConfig({ NODE_ENV: 'production' });
    // Stryker disable next-line ArrayDeclaration: unreachable while production requires DATABASE_URL and REDIS_URL, which the tests assert
    return [];
  } catch (error) {
    // Stryker disable next-line ConditionalExpression: `true` is equivalent (loadConfig's reporter throws only ConfigError); `false`, which the tests kill, goes with it
    if (error instanceof ConfigError) return error.variables;
    throw error;
  }
}

/** Every required variable reaches the container: as a value, a Secret or ConfigMap key, or a ConfigMap it loads whole. */
export function missingVariables(m: ServiceManifests, required: readonly string[]): string[] {
  const c = container(m.deployment);
  // Stryker disable next-line ArrayDeclaration: an entry that is a string has no value or valueFrom: hasValue drops it
  const fromEnv = new Set((c.env ?? []).filter(hasValue).map((e) => e.name));
  const configMapName = m.configMap.metadata?.name;
  const loaded = (c.envFrom ?? []).some((e) => e.configMapRef?.name === configMapName);
  // Stryker disable next-line ArrayDeclaration: a made-up name in `provided` changes nothing; only required names are looked up
  const fromConfigMap = loaded ? Object.keys(m.configMap.data ?? {}) : [];
  const provided = new Set([...fromEnv, ...fromConfigMap]);
  // A Secret loaded whole may hold the variable, but its keys live in the cluster, not in these objects.
  // Stryker disable next-line ArrayDeclaration: a made-up entry in place of a missing envFrom has no secretRef
  const wholeSecrets = (c.envFrom ?? []).flatMap((e) => e.secretRef?.name ?? []).join(', ');
  const problems = required
    .filter((name) => !provided.has(name))
    .map((name) =>
      wholeSecrets
        ? `${name} is required by the config schema and may come from Secret ${wholeSecrets} (envFrom), whose keys this check cannot see: name it in env with a secretKeyRef, so a Secret without it stops the pod instead of starting it without ${name}`
        : `${name} is required by the config schema but the container gets no value for it: add it to env (a secretKeyRef) or the ConfigMap`,
    );
  if (!loaded)
    problems.push(
      `the container does not load ConfigMap ${configMapName} (envFrom): none of its settings reach the app`,
    );
  return problems;
}

/** A literal value, or a valueFrom that names a source: an empty valueFrom is refused by the API server. */
const hasValue = (e: IEnvVar) => e.value !== undefined || Object.keys(e.valueFrom ?? {}).length > 0;
// #endregion env-check
