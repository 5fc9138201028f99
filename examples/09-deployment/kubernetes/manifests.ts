import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { type Config, loadConfig } from '../config/config.js';

export interface ManifestOptions {
  name: string;
  /** `<repository>:<tag>`; the repository is the one the Dockerfile's build line names. */
  image: string;
  /** Non-secret settings, by the variable names `loadConfig` reads. */
  config: Record<string, string>;
  /** The Secret, created outside this code (`kubectl create secret`), holding DATABASE_URL and REDIS_URL. */
  secretName: string;
  /** Pods allowed to call this service (the ingress controller's, say), by namespace label. */
  allowFromNamespace: string;
  /** Where Prometheus runs: the only namespace that may reach the metrics port. */
  monitoringNamespace: string;
  /** Seconds the pod keeps serving after it is told to stop, before SIGTERM: endpoint removal races it. */
  preStopSeconds: number;
}

export type ServiceManifests = ReturnType<typeof serviceManifests>;

/** Variables that come from the Secret, never from the ConfigMap: they carry passwords. */
export const SECRET_VARIABLES = ['DATABASE_URL', 'REDIS_URL'] as const;

/**
 * The config the pod will run with: the ConfigMap through the service's own schema, the Secret's
 * values stood in by placeholders. A bad value in the ConfigMap fails here, not in the cluster.
 */
export function configThePodSees(config: Record<string, string>): Config {
  return loadConfig({ ...config, DATABASE_URL: 'postgres://from-secret/db', REDIS_URL: 'redis://from-secret:6379' });
}

// #region grace-period
/**
 * After preStop, the kubelet sends SIGTERM and allows what is left of the grace period; the service
 * exits by its own deadline (SHUTDOWN_TIMEOUT_MS). The grace period covers both, plus a margin, so
 * the kubelet's SIGKILL never lands before the service's own deadline does.
 */
export function gracePeriodSeconds(preStopSeconds: number, shutdownTimeoutMs: number): number {
  return preStopSeconds + Math.ceil(shutdownTimeoutMs / 1_000) + 5;
}
// #endregion grace-period

// #region manifests
/** Everything a cluster needs to run the service; each object typed by kubernetes-models. */
export function serviceManifests(options: ManifestOptions) {
  const { name, image, secretName, preStopSeconds } = options;
  const labels = { 'app.kubernetes.io/name': name };
  const { port, metricsPort, shutdownTimeoutMs } = configThePodSees(options.config);
  const configMapName = `${name}-config`;
  const configMap = new ConfigMap({ metadata: { name: configMapName, labels }, data: options.config });
  const probe = (path: string, failureThreshold: number) => ({
    httpGet: { path, port: 'http' },
    periodSeconds: 5,
    timeoutSeconds: 2,
    failureThreshold,
  });
  const deployment = new Deployment({
    metadata: { name, labels },
    spec: {
      replicas: 3,
      selector: { matchLabels: labels },
      // A new pod is ready before an old one goes: capacity never drops during a rollout.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: gracePeriodSeconds(preStopSeconds, shutdownTimeoutMs),
          // Restricted Pod Security; uid 1000 is the image's `node`, numeric so the kubelet can verify non-root.
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 1000,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name,
              image,
              ports: [
                { name: 'http', containerPort: port },
                { name: 'metrics', containerPort: metricsPort },
              ],
              envFrom: [{ configMapRef: { name: configMapName } }],
              env: SECRET_VARIABLES.map((key) => ({
                name: key,
                valueFrom: { secretKeyRef: { name: secretName, key } },
              })),
              // Liveness never asks about dependencies: a Redis outage must not restart every pod.
              startupProbe: probe('/health/live', 30),
              livenessProbe: probe('/health/live', 3),
              readinessProbe: probe('/health/ready', 2),
              lifecycle: { preStop: { sleep: { seconds: preStopSeconds } } },
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } },
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
    metadata: { name, labels },
    spec: {
      selector: labels,
      ports: [
        {
          // Stryker disable next-line StringLiteral: a Service's only port needs no name, and nothing here refers to it by name
          name: 'http',
          port: 80,
          targetPort: 'http',
        },
      ],
    },
  });
  const autoscaler = new HorizontalPodAutoscaler({
    metadata: { name, labels },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: 3,
      maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      ],
    },
  });
  // A node drain takes pods one at a time, never below two serving.
  const disruptionBudget = new PodDisruptionBudget({
    metadata: { name, labels },
    spec: { minAvailable: 2, selector: { matchLabels: labels } },
  });
  const networkPolicy = new NetworkPolicy({
    metadata: { name, labels },
    spec: {
      podSelector: { matchLabels: labels },
      // Stryker disable next-line ArrayDeclaration: the API server defaults an empty policyTypes to Ingress (no egress rules)
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': options.allowFromNamespace } } }],
          ports: [{ protocol: 'TCP', port: 'http' }],
        },
        // /metrics is private: a port of its own, open to Prometheus only.
        {
          from: [
            { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': options.monitoringNamespace } } },
          ],
          ports: [{ protocol: 'TCP', port: 'metrics' }],
        },
      ],
    },
  });
  return { configMap, deployment, service, autoscaler, disruptionBudget, networkPolicy };
}
// #endregion manifests
