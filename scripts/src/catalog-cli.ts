import { checkCatalog, unscoredFiles } from './catalog-check.js';

// `pnpm catalog [folder…]`: every problem, or only those of the named example folders.
const only = process.argv.slice(2);
const problems = checkCatalog().filter((p) => only.length === 0 || only.some((f) => p.includes(`examples/${f}`)));
if (problems.length > 0) {
  console.error('catalog: these examples break the package contract (see CONTRIBUTING.md):');
  for (const problem of problems) console.error(`  ${problem}`);
  process.exitCode = 1;
} else {
  console.log('catalog: every example has a manifest, README, main, tests and a row in the root README');
}
const unscored = unscoredFiles().filter((p) => only.length === 0 || only.some((f) => p.includes(`examples/${f}`)));
if (unscored.length > 0) {
  const packages = new Set(unscored.map((line) => line.split('/README.md')[0]));
  console.log(`catalog: ${unscored.length} copyable files in ${packages.size} packages have no mutation score yet:`);
  for (const line of unscored) console.log(`  ${line}`);
}
