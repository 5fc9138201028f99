// A relative import: Vite bundles it, where a bare `@cookbook/shared` would reach Node as raw TypeScript.
import { cookbookVitestConfig } from '../../shared/src/testing/vitest-config.js';

// These tests mostly wait on child processes, pm2 and timers, not the CPU: two files at once halve the wall time.
export default cookbookVitestConfig({ maxWorkers: 2 });
