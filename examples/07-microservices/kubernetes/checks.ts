import type { Deployment } from 'kubernetes-models/apps/v1';
import type { IContainer } from 'kubernetes-models/v1';
import type { ServiceName } from '../order-flow/services/deployables.js';
import type { ServiceObjects } from './manifests.js';

// What the schemas cannot see. Copied from 09-deployment/kubernetes (examples never import each
// other) and adapted to four services; each returns one line per problem, naming the fix.

function container(deployment: Deployment): IContainer {
  const first = deployment.spec?.template.spec?.containers[0];
  if (!first) throw new Error(`Deployment ${deployment.metadata?.name} has no container`);
  return first;
}

const selects = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  selector !== undefined &&
  Object.keys(selector).length > 0 &&
  Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Every selector picks this Deployment's pods; the autoscaler, if any, scales this Deployment. */
export function selectorProblems(m: ServiceObjects): string[] {
  const labels = m.deployment.spec?.template.metadata?.labels ?? {};
  const selectors: [string, Record<string, string> | undefined][] = [
    ['Deployment spec.selector', m.deployment.spec?.selector.matchLabels],
    ['Service spec.selector', m.service.spec?.selector],
    ['PodDisruptionBudget spec.selector', m.disruptionBudget.spec?.selector?.matchLabels],
    ['NetworkPolicy spec.podSelector', m.networkPolicy.spec?.podSelector?.matchLabels],
  ];
  const problems = selectors
    .filter(([, selector]) => !selects(selector, labels))
    .map(
      ([where, selector]) =>
        `${m.deployment.metadata?.name}: ${where} ${JSON.stringify(selector)} does not match the pod labels`,
    );
  const target = 'autoscaler' in m ? m.autoscaler?.spec?.scaleTargetRef : undefined;
  if (target && target.name !== m.deployment.metadata?.name)
    problems.push(`${m.deployment.metadata?.name}: the HPA scales ${target.name}`);
  return problems;
}

/** Each probe asks a route the running service serves (`status` asks it), on a declared port. */
export async function probeProblems(
  deployment: Deployment,
  status: (path: string) => Promise<number>,
): Promise<string[]> {
  const c = container(deployment);
  const problems: string[] = [];
  for (const [kind, probe] of Object.entries({
    startupProbe: c.startupProbe,
    livenessProbe: c.livenessProbe,
    readinessProbe: c.readinessProbe,
  })) {
    const get = probe?.httpGet;
    if (!get) {
      problems.push(`${c.name}: ${kind} is missing or not an httpGet probe`);
      continue;
    }
    if (!(c.ports ?? []).some((p) => p.name === get.port || p.containerPort === get.port)) {
      problems.push(`${c.name}: ${kind} probes port ${get.port}, which the container does not declare`);
    }
    if ((await status(get.path ?? '/')) === 404)
      problems.push(`${c.name}: ${kind} path ${get.path} is not a route of the service (404)`);
  }
  return problems;
}

/** The kubelet SIGKILLs at the end of the grace period, preStop included: it must outlast both. */
export function gracePeriodProblems(deployment: Deployment, shutdownTimeoutMs: number): string[] {
  const grace = deployment.spec?.template.spec?.terminationGracePeriodSeconds ?? 30;
  const needed = (container(deployment).lifecycle?.preStop?.sleep?.seconds ?? 0) + shutdownTimeoutMs / 1_000;
  return grace > needed
    ? []
    : [
        `${deployment.metadata?.name}: terminationGracePeriodSeconds ${grace} must exceed ${needed} (preStop + SHUTDOWN_TIMEOUT_MS)`,
      ];
}

/** Every variable the service's schema requires reaches the container, by env or by its ConfigMap. */
export function missingVariables(m: ServiceObjects, required: readonly string[]): string[] {
  const c = container(m.deployment);
  const provided = new Set((c.env ?? []).filter((e) => e.value !== undefined || e.valueFrom).map((e) => e.name));
  if ((c.envFrom ?? []).some((e) => e.configMapRef?.name === m.configMap.metadata?.name)) {
    for (const key of Object.keys(m.configMap.data ?? {})) provided.add(key);
  }
  return required
    .filter((name) => !provided.has(name))
    .map((name) => `${c.name}: ${name} is required by its schema but not provided`);
}

/** The image is `<target>:<tag>` of a target the Dockerfile has, and the container port is what that target EXPOSEs. */
export function imageProblems(deployment: Deployment, dockerfile: string): string[] {
  const c = container(deployment);
  const [repository = '', tag = ''] = (c.image ?? '').split(':');
  const stage = new RegExp(`^FROM \\S+ AS ${repository}\\n(?:(?!FROM ).*\\n)*?EXPOSE (\\d+)`, 'm').exec(dockerfile);
  const problems: string[] = [];
  if (!stage) problems.push(`${c.name}: image ${c.image} names no target of the Dockerfile (FROM … AS ${repository})`);
  else if (Number(stage[1]) !== c.ports?.[0]?.containerPort) {
    problems.push(`${c.name}: containerPort ${c.ports?.[0]?.containerPort} is not the target's EXPOSE ${stage[1]}`);
  }
  if (tag === '' || tag === 'latest') problems.push(`${c.name}: image ${c.image} has no pinned tag`);
  return problems;
}

// #region network-check
/**
 * Who may open a connection to each service, read back from its NetworkPolicy: the pods named by a
 * podSelector, `ingress` for a namespaceSelector, `anyone` for a rule with no `from` or an empty
 * selector. It must equal the declared callers exactly; more is a hole, fewer is an outage.
 */
export function networkPolicyProblems(m: ServiceObjects, callers: readonly ServiceName[] | 'ingress'): string[] {
  const rules = m.networkPolicy.spec?.ingress ?? [];
  const admitted = new Set<string>();
  for (const rule of rules) {
    if (!rule.from || rule.from.length === 0) admitted.add('anyone');
    for (const peer of rule.from ?? []) {
      const pod = peer.podSelector?.matchLabels?.['app.kubernetes.io/name'];
      if (peer.namespaceSelector) admitted.add('ingress');
      else if (pod) admitted.add(pod);
      else admitted.add('anyone');
    }
  }
  const expected = new Set<string>(callers === 'ingress' ? ['ingress'] : callers);
  const name = m.deployment.metadata?.name;
  const extra = [...admitted]
    .filter((a) => !expected.has(a))
    .map((a) => `${name}: its NetworkPolicy admits ${a}, which is not a declared caller`);
  const lacking = [...expected]
    .filter((e) => !admitted.has(e))
    .map((e) => `${name}: its NetworkPolicy shuts out ${e}, a declared caller`);
  return [...extra, ...lacking];
}
// #endregion network-check
