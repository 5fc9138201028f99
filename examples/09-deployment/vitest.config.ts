// A relative import: Vite bundles it, where a bare `@cookbook/shared` would reach Node as raw TypeScript.
import { cookbookVitestConfig } from '../../shared/src/testing/vitest-config.js';

// One file at a time: since the service loads OpenTelemetry and Sentry by --import, each of the many
// child processes these tests start spends seconds of CPU starting, and two files at once beside the
// other packages of a CI line timed out keep-alive and pm2 tests that pass alone.
export default cookbookVitestConfig({ maxWorkers: 1 });
