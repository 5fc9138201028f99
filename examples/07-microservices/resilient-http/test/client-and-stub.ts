import { startStubUserService } from '../../test/stub-server.js';
import { createServiceClient, type ServiceClientOptions } from '../service-client.js';

const cleanups: (() => Promise<void> | void)[] = [];

/** A client pointed at a fresh stub user-service; `closeClientsAndStubs` (in afterEach) ends both. */
export async function clientAndStub(options: Partial<ServiceClientOptions> = {}) {
  const stub = await startStubUserService();
  const client = createServiceClient({ baseUrl: stub.url, retryMinDelayMs: 5, ...options });
  cleanups.push(
    () => stub.close(),
    () => client.close(),
  );
  return { stub, client };
}

export async function closeClientsAndStubs(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}
