/**
 * The container HEALTHCHECK: `node probe.js [path]` exits 0 when this container's service answers
 * 2xx on `path` (liveness by default) within two seconds, else 1. Node is in the image; curl is not.
 */
const path = process.argv[2] ?? '/health/live';
const port = process.env.PORT ?? '3000';
try {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2_000) });
  process.exitCode = res.ok ? 0 : 1;
} catch {
  process.exitCode = 1;
}
