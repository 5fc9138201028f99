import { readdir, readFile } from 'node:fs/promises';
import { join, posix, sep } from 'node:path';

// #region layer-rules
/** Who may not import whom. Paths are folders under `app/`; bare names are npm packages. */
export interface LayerRule {
  layer: string;
  mayNotImport: readonly string[];
  because: string;
}

export const LAYER_RULES: readonly LayerRule[] = [
  {
    layer: 'api',
    mayNotImport: ['models', 'repositories', 'config', 'sequelize', 'pg'],
    because: 'HTTP code talks to services; it never sees a table or a connection',
  },
  {
    layer: 'services',
    mayNotImport: ['api', 'models', 'repositories', 'config', 'express', 'fastify', 'sequelize', 'pg'],
    because: 'business rules get their data access injected and know nothing of HTTP or SQL',
  },
  {
    layer: 'repositories',
    mayNotImport: ['api', 'express', 'fastify'],
    because: 'data access is reusable from a CLI, a queue consumer or a test, not only from a route',
  },
  {
    layer: 'models',
    mayNotImport: ['api', 'services', 'repositories', 'express', 'fastify'],
    because: 'models describe tables, nothing more',
  },
  {
    layer: 'utils',
    mayNotImport: ['api', 'services', 'repositories', 'models', 'config'],
    because: 'helpers sit below every layer',
  },
];
// #endregion layer-rules

export interface Violation {
  file: string;
  imports: string;
  rule: LayerRule;
}

// Static imports and re-exports (type-only too: they couple just the same), imports for their side
// effects alone (`import '../models/index.js'`), and dynamic import().
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

export function importsOf(source: string): string[] {
  // Stryker disable next-line StringLiteral: every match captures one of the groups; '' is for the type
  return [...source.matchAll(IMPORT)].map((match) => match[1] ?? match[2] ?? match[3] ?? '');
}

/** `../models/user.js` seen from `services/x.ts` → `models/user.js`; a package as written (`within`
 * matches `sequelize/types` to `sequelize`). */
function target(file: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  return posix.normalize(posix.join(posix.dirname(file), specifier));
}

function within(path: string, folder: string): boolean {
  return path === folder || path.startsWith(`${folder}/`);
}

// #region find-violations
/** Reads every `.ts` file under `root` and returns each import that breaks a rule. */
export async function findLayerViolations(
  root: string,
  rules: readonly LayerRule[] = LAYER_RULES,
): Promise<Violation[]> {
  const violations: Violation[] = [];
  // Node 20+: a recursive readdir replaces a hand-written directory walk.
  const files = (await readdir(root, { recursive: true })).filter((path) => path.endsWith('.ts')).sort();
  for (const path of files) {
    const file = path.split(sep).join('/');
    const rule = rules.find((r) => within(file, r.layer));
    if (!rule) continue;
    for (const specifier of importsOf(await readFile(join(root, path), 'utf8'))) {
      const imported = target(file, specifier);
      if (rule.mayNotImport.some((forbidden) => within(imported, forbidden)))
        violations.push({ file, imports: specifier, rule });
    }
  }
  return violations;
}
// #endregion find-violations
