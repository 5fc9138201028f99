import { checkCatalog } from './catalog-check.js';

const problems = checkCatalog();
if (problems.length > 0) {
  console.error('catalog: these examples break the package contract (see CONTRIBUTING.md):');
  for (const problem of problems) console.error(`  ${problem}`);
  process.exitCode = 1;
} else {
  console.log('catalog: every example has a manifest, README, main, tests and a row in the root README');
}
