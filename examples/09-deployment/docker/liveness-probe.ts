// Docker HEALTHCHECK probe: slim images ship no curl, and Node is already there. It asks
// /health/live only: "unhealthy" gets a container restarted, which cures a wedged process but not
// an outage of Postgres or Redis, so a dependency must never make the whole fleet unhealthy.
// Exits 0 when the process answers 2xx within the timeout, 1 otherwise.
const port = process.env.PORT || '3000';

try {
  const response = await fetch(`http://127.0.0.1:${port}/health/live`, { signal: AbortSignal.timeout(3_000) });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
