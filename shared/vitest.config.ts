import { cookbookVitestConfig } from './src/testing/vitest-config.js';

export default cookbookVitestConfig();
