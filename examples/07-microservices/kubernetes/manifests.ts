import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { DEPLOYABLES, type Deployable, type ServiceName } from '../order-flow/services/deployables.js';
import { requiredVariables } from '../order-flow/services/env.js';

// #region callers
/**
 * Who calls whom over HTTP: the NetworkPolicies admit exactly these. The gateway is the only way in;
 * order-service asks user-service for the customer; email-service only consumes RabbitMQ.
 */
export const CALLERS: Record<ServiceName, readonly ServiceName[] | 'ingress'> = {
  gateway: 'ingress',
  'order-service': ['gateway'],
  'user-service': ['gateway', 'order-service'],
  'email-service': [],
};
// #endregion callers

export interface SystemOptions {
  /** Tag of the images built from the Dockerfile's targets (`--target <service> -t <service>:<tag>`). */
  tag: string;
  /** The Secret holding every required or secret variable, by its name (`kubectl create secret`). */
  secretName: string;
  /** Namespace whose pods (the ingress controller) may reach the gateway. */
  ingressNamespace: string;
  preStopSeconds: number;
}

const labelsOf = (name: ServiceName) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'order-flow' });
const secretVariables = (d: Deployable) =>
  Object.entries(d.env)
    .filter(([name, spec]) => spec.secret === true || requiredVariables(d.env).includes(name))
    .map(([name]) => name);

/** preStop, then the service's own SHUTDOWN_TIMEOUT_MS, plus a margin before the kubelet's SIGKILL. */
export const gracePeriodSeconds = (preStop: number, shutdownMs: number) => preStop + Math.ceil(shutdownMs / 1_000) + 5;

/** One service's objects; the gateway also gets an autoscaler. */
export function serviceManifests(d: Deployable, options: SystemOptions) {
  const labels = labelsOf(d.name);
  const shutdownMs = Number(d.env.SHUTDOWN_TIMEOUT_MS?.default);
  const configMap = new ConfigMap({
    metadata: { name: `${d.name}-config`, labels },
    // Cluster DNS replaces the registry's addresses: others reach this service at its Service name.
    data: { HOST: '0.0.0.0', PORT: String(d.port), ADVERTISED_URL: `http://${d.name}:${d.port}` },
  });
  const probe = (path: string, failureThreshold: number) => ({
    httpGet: { path, port: 'http' },
    periodSeconds: 5,
    failureThreshold,
  });
  const deployment = new Deployment({
    metadata: { name: d.name, labels },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: gracePeriodSeconds(options.preStopSeconds, shutdownMs),
          securityContext: { runAsNonRoot: true, runAsUser: 1000 },
          containers: [
            {
              name: d.name,
              image: `${d.name}:${options.tag}`,
              ports: [{ name: 'http', containerPort: d.port }],
              envFrom: [{ configMapRef: { name: `${d.name}-config` } }],
              env: secretVariables(d).map((key) => ({
                name: key,
                valueFrom: { secretKeyRef: { name: options.secretName, key } },
              })),
              startupProbe: probe(d.health.live, 30),
              livenessProbe: probe(d.health.live, 3),
              readinessProbe: probe(d.health.ready, 2),
              lifecycle: { preStop: { sleep: { seconds: options.preStopSeconds } } },
              resources: { requests: { cpu: '50m', memory: '96Mi' }, limits: { cpu: '500m', memory: '192Mi' } },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
            },
          ],
        },
      },
    },
  });
  const service = new Service({
    metadata: { name: d.name, labels },
    spec: { selector: labels, ports: [{ name: 'http', port: d.port, targetPort: 'http' }] },
  });
  const disruptionBudget = new PodDisruptionBudget({
    metadata: { name: d.name, labels },
    spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
  });
  const callers = CALLERS[d.name];
  const networkPolicy = new NetworkPolicy({
    metadata: { name: d.name, labels },
    spec: {
      podSelector: { matchLabels: labels },
      policyTypes: ['Ingress'],
      // No rule admits nobody: email-service takes no HTTP traffic but the kubelet's probes.
      ingress:
        callers === 'ingress'
          ? [
              {
                from: [
                  { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': options.ingressNamespace } } },
                ],
                ports: [{ port: 'http' }],
              },
            ]
          : callers.length === 0
            ? []
            : [
                {
                  from: callers.map((caller) => ({ podSelector: { matchLabels: labelsOf(caller) } })),
                  ports: [{ port: 'http' }],
                },
              ],
    },
  });
  const autoscaler = d.public
    ? new HorizontalPodAutoscaler({
        metadata: { name: d.name, labels },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: d.name },
          minReplicas: 2,
          maxReplicas: 8,
          metrics: [
            { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
          ],
        },
      })
    : undefined;
  return { configMap, deployment, service, disruptionBudget, networkPolicy, ...(autoscaler ? { autoscaler } : {}) };
}

export type ServiceObjects = ReturnType<typeof serviceManifests>;

/** The four services' objects, by service. */
export function systemManifests(options: SystemOptions): Record<ServiceName, ServiceObjects> {
  const entries = Object.values(DEPLOYABLES).map((d) => [d.name, serviceManifests(d, options)] as const);
  return Object.fromEntries(entries) as Record<ServiceName, ServiceObjects>;
}

export const defaultOptions = (tag: string): SystemOptions => ({
  tag,
  secretName: 'order-flow-secrets',
  ingressNamespace: 'ingress-nginx',
  preStopSeconds: 5,
});
