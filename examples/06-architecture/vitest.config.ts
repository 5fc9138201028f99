import { cookbookVitestConfig } from '@cookbook/shared/vitest';

export default cookbookVitestConfig();
