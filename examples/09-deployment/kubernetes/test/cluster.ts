import type { Deployment } from 'kubernetes-models/apps/v1';
import type { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import type { IContainer } from 'kubernetes-models/v1';
import type { ServiceManifests } from '../manifests.js';

// No cluster runs here, so the tests ask this model what one would do with the objects: the documented
// rule for each (Kubernetes API reference, Pod Security Standards), only as far as these objects need.

export function podContainer(deployment: Deployment): IContainer {
  const first = deployment.spec?.template.spec?.containers[0];
  if (!first) throw new Error('no container');
  return first;
}

const labelsMatch = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);

/**
 * Whether a connection from a pod in `namespace` to `port` (a number) of the Deployment's pods is
 * admitted. An empty `from` admits every source, empty `ports` every port, a port entry without a port
 * every port; a named port is the container port of that name. No policyTypes means Ingress.
 */
export function admits(policy: NetworkPolicy, deployment: Deployment, namespace: string, port: number): boolean {
  const spec = policy.spec;
  const podLabels = deployment.spec?.template.metadata?.labels ?? {};
  if (!spec || !labelsMatch(spec.podSelector?.matchLabels, podLabels)) return true;
  const types = spec.policyTypes?.length ? spec.policyTypes : ['Ingress'];
  if (!types.includes('Ingress')) return true;
  const named = new Map((podContainer(deployment).ports ?? []).map((p) => [p.name, p.containerPort]));
  return (spec.ingress ?? []).some((rule) => {
    const fromOk =
      !rule.from?.length ||
      rule.from.some((peer) => {
        if (!peer.namespaceSelector) throw new Error(`a peer this model does not know: ${JSON.stringify(peer)}`);
        return labelsMatch(peer.namespaceSelector.matchLabels, { 'kubernetes.io/metadata.name': namespace });
      });
    const portOk =
      !rule.ports?.length ||
      rule.ports.some(
        (p) =>
          (p.protocol ?? 'TCP') === 'TCP' &&
          (p.port === undefined || (typeof p.port === 'number' ? p.port : named.get(p.port)) === port),
      );
    return fromOk && portOk;
  });
}

/** The container port each Service port forwards to: targetPort by number, by container port name, or the port itself. */
export function serviceTargets(m: ServiceManifests): (number | undefined)[] {
  const named = new Map((podContainer(m.deployment).ports ?? []).map((p) => [p.name, p.containerPort]));
  return (m.service.spec?.ports ?? []).map((p) => {
    const target = p.targetPort ?? p.port;
    return typeof target === 'number' ? target : named.get(target);
  });
}

/** An IntOrString of the rolling update, resolved against `replicas` as the Deployment controller does. */
function resolve(value: number | string | undefined, replicas: number, round: (n: number) => number): number {
  const v = value ?? '25%';
  return typeof v === 'number' ? v : round((replicas * Number.parseInt(v, 10)) / 100);
}

/** Pods a rollout may take away, and add, at `replicas`: a Recreate strategy takes them all. */
export function rolloutBudget(deployment: Deployment, replicas: number): { unavailable: number; surge: number } {
  const strategy = deployment.spec?.strategy;
  if (strategy?.type === 'Recreate') return { unavailable: replicas, surge: 0 };
  const rolling = strategy?.rollingUpdate;
  return {
    unavailable: resolve(rolling?.maxUnavailable, replicas, Math.floor),
    surge: resolve(rolling?.maxSurge, replicas, Math.ceil),
  };
}

/** What the restricted Pod Security Standard refuses in the pod template; [] means the pods are admitted. */
export function restrictedViolations(deployment: Deployment): string[] {
  const pod = deployment.spec?.template.spec?.securityContext;
  const c = podContainer(deployment).securityContext;
  const violations: string[] = [];
  if ((c?.runAsNonRoot ?? pod?.runAsNonRoot) !== true) violations.push('runAsNonRoot != true');
  if (c?.allowPrivilegeEscalation !== false) violations.push('allowPrivilegeEscalation != false');
  if (c?.privileged === true) violations.push('privileged');
  if (!c?.capabilities?.drop?.includes('ALL')) violations.push('capabilities.drop lacks ALL');
  if ((c?.capabilities?.add ?? []).some((cap) => cap !== 'NET_BIND_SERVICE')) violations.push('capabilities.add');
  const seccomp = c?.seccompProfile?.type ?? pod?.seccompProfile?.type;
  if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') violations.push('seccompProfile unset');
  return violations;
}

// DNS-1123 subdomain (most objects and the names they refer to) and DNS-1035 label (a Service's name).
const SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_1035 = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Names the API server refuses: of each object, and of the ConfigMap and Secret the container refers to. */
export function refusedNames(m: ServiceManifests): string[] {
  const c = podContainer(m.deployment);
  const names: [string, string | undefined, RegExp][] = [
    ...Object.values(m).map((o): [string, string | undefined, RegExp] => [
      o.kind,
      o.metadata?.name,
      o.kind === 'Service' ? LABEL_1035 : SUBDOMAIN,
    ]),
    ...(c.envFrom ?? []).map((e): [string, string | undefined, RegExp] => [
      'envFrom configMapRef',
      e.configMapRef?.name,
      SUBDOMAIN,
    ]),
    ...(c.env ?? []).map((e): [string, string | undefined, RegExp] => [
      `env ${e.name} secretKeyRef`,
      e.valueFrom?.secretKeyRef?.name,
      SUBDOMAIN,
    ]),
  ];
  return names.filter(([, name, rule]) => !rule.test(name ?? '')).map(([where, name]) => `${where}: ${name}`);
}

/** Kubernetes quantities as these manifests write them (`100m`, `1`, `128Mi`), in base units. */
export function quantity(text: string | number | undefined): number {
  const match = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi)?$/.exec(String(text ?? ''));
  if (!match) throw new Error(`not a quantity this model reads: ${text}`);
  const scales: Record<string, number> = { m: 1e-3, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 };
  return Number(match[1]) * (scales[match[2] ?? ''] ?? 1);
}
