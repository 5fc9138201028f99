import { describe, expect, it } from 'vitest';
import { TEST_PATHS_VARIABLE, testFileGlobs } from '../src/testing/test-paths.js';

describe('the test files of a package', () => {
  const env = { [TEST_PATHS_VARIABLE]: JSON.stringify({ '02-streams': ['csv-import/', 'upload/upload.test.ts'] }) };

  it('are every test file when no path was given for the package', () => {
    expect(testFileGlobs('02-streams', {})).toEqual(['**/*.test.ts']);
    expect(testFileGlobs('01-event-loop', env)).toEqual(['**/*.test.ts']);
  });

  it('are the named folders and files when paths were given', () => {
    expect(testFileGlobs('02-streams', env)).toEqual(['csv-import/**/*.test.ts', 'upload/upload.test.ts']);
  });
});
