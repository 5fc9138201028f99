import type { ManifestOptions } from './manifests.js';

/** The options this package deploys with; `image` names the tag the caller built. */
export function defaultOptions(image: string): ManifestOptions {
  return {
    name: 'api',
    image,
    secretName: 'api-secrets',
    allowFromNamespace: 'ingress-nginx',
    monitoringNamespace: 'monitoring',
    preStopSeconds: 5,
    config: {
      NODE_ENV: 'production',
      PORT: '3000',
      METRICS_PORT: '9464',
      LOG_LEVEL: 'info',
      DB_POOL_MAX: '10',
      // The preStop pause already waited for the endpoints to go; a short in-process drain is enough.
      DRAIN_DELAY_MS: '1000',
      SHUTDOWN_TIMEOUT_MS: '20000',
    },
  };
}
