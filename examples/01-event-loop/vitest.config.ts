// A relative import: Vite bundles it, where a bare `@cookbook/shared` would reach Node as raw TypeScript.
import { cookbookVitestConfig } from '../../shared/src/testing/vitest-config.js';

// Vitest does not load tsx; a worker thread started from a .ts file inherits this flag and can then
// resolve its own imports, as it does under `tsx`/`node --import tsx` (Node 22, 24 and 26).
export default cookbookVitestConfig({ execArgv: ['--import', 'tsx'] });
