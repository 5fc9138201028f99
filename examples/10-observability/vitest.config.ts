// A relative import: Vite bundles it, where a bare `@cookbook/shared` would reach Node as raw TypeScript.
import { cookbookVitestConfig } from '../../shared/src/testing/vitest-config.js';

export default cookbookVitestConfig();
