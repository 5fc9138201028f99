import type { Logger } from '../../correlation/logger.js';
import { pickInstance } from '../../service-discovery/registry.js';
import { createGateway } from '../gateway.js';
import { gatewayEnv } from './deployables.js';
import type { EnvOf } from './env.js';
import { runMain } from './run-main.js';
import { startService } from './run-service.js';

export type GatewayConfig = EnvOf<typeof gatewayEnv>;

/** The gateway alone: the only public door, routing to whatever instances the registry holds. */
export function startGatewayService(config: GatewayConfig, log: Logger) {
  return startService('gateway', config, log, async ({ redis, registry, stopping, onStop }) => {
    const gateway = createGateway({
      routes: {
        '/api/users': { service: 'user-service', base: () => pickInstance(registry, 'user-service'), path: '/users/' },
        '/api/orders': {
          service: 'order-service',
          base: () => pickInstance(registry, 'order-service'),
          path: '/orders/',
        },
      },
      apiKeys: config.API_KEYS,
      redis,
      redisPrefix: config.REGISTRY_PREFIX,
      rateLimit: { limit: config.RATE_LIMIT, windowMs: config.RATE_LIMIT_WINDOW_MS },
      timeoutMs: config.GATEWAY_TIMEOUT_MS,
      log,
      readiness: { stopping },
    });
    onStop(() => gateway.close());
    return gateway.app;
  });
}

if (import.meta.main) await runMain('gateway', gatewayEnv, startGatewayService);
