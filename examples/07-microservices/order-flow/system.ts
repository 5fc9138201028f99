import { createLogger, type LogSink } from '../correlation/logger.js';
import { emailServiceEnv, gatewayEnv, orderServiceEnv, userServiceEnv } from './services/deployables.js';
import { readEnv } from './services/env.js';
import type { RunningService } from './services/run-service.js';
import { startEmailService } from './services/start-email.js';
import { startGatewayService } from './services/start-gateway.js';
import { startOrderService } from './services/start-order.js';
import { startUserService } from './services/start-user.js';
import { type SystemOptions, systemEnv } from './system-env.js';

export type { SystemOptions } from './system-env.js';

/**
 * The four services in this one process, each started by the same function its own entry point
 * calls, with the same config. For tests that need a fault injected between the services; the
 * system itself runs as four processes (see launcher.ts).
 */
export async function startSystem(options: SystemOptions & { logSink?: LogSink }) {
  const env = systemEnv(options);
  const log = (service: string) => createLogger(service, options.logSink);
  const running: RunningService[] = [];
  const stop = async () => {
    // The gateway first, user-service last: nothing still running calls a service already stopped.
    for (const service of running.splice(0).reverse()) await service.stop();
  };
  try {
    const users = await startUserService(readEnv(userServiceEnv, env['user-service']), log('user-service'));
    running.push(users);
    const orders = await startOrderService(readEnv(orderServiceEnv, env['order-service']), log('order-service'));
    running.push(orders);
    const email = await startEmailService(readEnv(emailServiceEnv, env['email-service']), log('email-service'));
    running.push(email);
    const gateway = await startGatewayService(readEnv(gatewayEnv, env.gateway), log('gateway'));
    running.push(gateway);
    return { urls: { gateway: gateway.url, users: users.url, orders: orders.url, email: email.url }, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export type System = Awaited<ReturnType<typeof startSystem>>;
