import { readFileSync } from 'node:fs';
import type { Recipe } from '../recipes.js';

/**
 * What a package's `src/main.ts` table gets wrong against its manifest: recipes missing, extra or out
 * of the manifest's order, and services a recipe asks for that the manifest does not declare (the
 * test run would not have resolved them). Empty when they agree.
 */
export function recipeTableMismatches(recipes: Readonly<Record<string, Recipe>>, packageJson: URL): string[] {
  const { cookbook } = JSON.parse(readFileSync(packageJson, 'utf8')) as {
    cookbook: { services?: string[]; recipes: Record<string, string> };
  };
  const listed = Object.keys(recipes).join(', ');
  const declared = Object.keys(cookbook.recipes).join(', ');
  const problems = listed === declared ? [] : [`main.ts lists [${listed}], the manifest [${declared}]`];
  for (const [name, entry] of Object.entries(recipes)) {
    for (const service of entry.services) {
      if (!(cookbook.services ?? []).includes(service))
        problems.push(`${name} asks for ${service}, not in the manifest`);
    }
  }
  return problems;
}
