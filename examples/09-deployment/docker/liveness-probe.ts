// Docker HEALTHCHECK probe: slim images ship no curl, and Node is already there.
// Exits 0 when GET <path> answers 2xx within the timeout, 1 otherwise.
const port = process.env.PORT || '3000';
const path = process.argv[2] ?? '/health/ready';

try {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(3_000) });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
