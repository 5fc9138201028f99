import CircuitBreaker from 'opossum';
import pRetry, { AbortError } from 'p-retry';
import { CORRELATION_HEADER, correlationId } from '../correlation/correlation.js';

/** The other service answered, with a status that says the call itself was wrong (4xx). */
export class UpstreamClientError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`upstream answered ${status}`);
    this.name = 'UpstreamClientError';
  }
}

/** The other service failed (5xx, timeout, refused): worth a retry, and counted by the breaker. */
export class UpstreamUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UpstreamUnavailableError';
  }
}

export interface ServiceClientOptions {
  /** Where the service is; a function so a registry lookup can answer per call. */
  baseUrl: string | (() => Promise<string>);
  /** Per attempt: a slow service cannot hold the caller longer than this. */
  timeoutMs?: number;
  /** Extra attempts for idempotent methods only. */
  retries?: number;
  retryMinDelayMs?: number;
  breaker?: { resetTimeoutMs?: number; errorThresholdPercentage?: number; volumeThreshold?: number };
}

/** The methods this client sends that are safe to repeat: the same request twice has one effect. */
const IDEMPOTENT = new Set(['GET', 'PUT', 'DELETE']);

type Call = { method: string; path: string; body?: unknown };

// #region service-client
export function createServiceClient(options: ServiceClientOptions) {
  const { timeoutMs = 1000, retries = 2, retryMinDelayMs = 50 } = options;
  const resolveBase = typeof options.baseUrl === 'string' ? async () => options.baseUrl as string : options.baseUrl;

  const attempt = async ({ method, path, body }: Call): Promise<unknown> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    const id = correlationId();
    if (id) headers[CORRELATION_HEADER] = id;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(new URL(path, await resolveBase()), {
        method,
        headers,
        // Stryker disable next-line ConditionalExpression: JSON.stringify(undefined) is undefined too; the guard says it
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs), // without it, a hung service hangs us too
      });
    } catch (error) {
      throw new UpstreamUnavailableError(`${method} ${path} failed: ${(error as Error).message}`, { cause: error });
    }
    const payload: unknown = await response.json().catch(() => undefined);
    if (response.status >= 500 || response.status === 429) {
      throw new UpstreamUnavailableError(`${method} ${path} answered ${response.status}`);
    }
    if (!response.ok) throw new UpstreamClientError(response.status, payload);
    return payload;
  };

  const breaker = new CircuitBreaker(attempt, {
    timeout: false, // the fetch signal already bounds each attempt
    resetTimeout: options.breaker?.resetTimeoutMs ?? 10_000,
    errorThresholdPercentage: options.breaker?.errorThresholdPercentage ?? 50,
    volumeThreshold: options.breaker?.volumeThreshold ?? 5,
    // A 404 means the service is healthy and said no: it must not open the circuit.
    errorFilter: (error: unknown) => error instanceof UpstreamClientError,
  });

  const call = (request: Call) =>
    pRetry(
      async () => {
        try {
          return await breaker.fire(request);
        } catch (error) {
          // Only failures of the service are worth another try, and only if repeating is harmless.
          const retriable = error instanceof UpstreamUnavailableError && IDEMPOTENT.has(request.method);
          throw retriable ? error : new AbortError(error as Error);
        }
      },
      // Stryker disable next-line BooleanLiteral: jitter spreads many callers' retries apart; one caller cannot show it
      { retries, minTimeout: retryMinDelayMs, factor: 2, randomize: true },
    );

  return {
    get: (path: string) => call({ method: 'GET', path }),
    post: (path: string, body: unknown) => call({ method: 'POST', path, body }),
    put: (path: string, body: unknown) => call({ method: 'PUT', path, body }),
    delete: (path: string) => call({ method: 'DELETE', path }),
    breaker,
    close: () => breaker.shutdown(),
  };
}
// #endregion service-client

export type ServiceClient = ReturnType<typeof createServiceClient>;

// #region naive-get-user
/** The Q&A's call: no timeout, no status check, no breaker. A hung user-service hangs every order. */
export async function naiveGetUser(baseUrl: string, userId: number): Promise<unknown> {
  const response = await fetch(`${baseUrl}/users/${userId}`);
  return response.json();
}
// #endregion naive-get-user
