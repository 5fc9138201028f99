import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const EXAMPLES_DIR = join(ROOT, 'examples');

const KNOWN_SERVICES = ['postgres', 'redis', 'rabbitmq'] as const;
export type Service = (typeof KNOWN_SERVICES)[number];

/** One example package, as its manifest (`package.json` → `cookbook`) describes it. */
export interface Example {
  /** Folder name, e.g. `01-event-loop`. */
  folder: string;
  /** Folder name without its number, e.g. `event-loop`. */
  slug: string;
  /** The number from the folder name, e.g. 1. */
  number: number;
  packageName: string;
  dir: string;
  question: string;
  title: string;
  summary: string;
  services: Service[];
  recipes: Record<string, string>;
  /** Its tests need Postgres with max_prepared_transactions > 0 (two-phase commit). */
  preparedTransactions: boolean;
  /** Its claims are about the runtime itself (event loop, streams, V8), so CI tests it on every Node line. */
  everyNodeLine: boolean;
}

export class ManifestError extends Error {
  override name = 'ManifestError';
}

interface RawManifest {
  name?: unknown;
  cookbook?: {
    question?: unknown;
    title?: unknown;
    summary?: unknown;
    services?: unknown;
    recipes?: unknown;
    preparedTransactions?: unknown;
    everyNodeLine?: unknown;
  };
}

export interface Catalog {
  examples: Example[];
  /** One line per package whose manifest is malformed; the catalog check fails on any. */
  problems: string[];
}

/** Every `examples/NN-slug` package, sorted by number, and what is wrong with the ones that cannot load. */
export function loadCatalog(examplesDir = EXAMPLES_DIR): Catalog {
  const examples: Example[] = [];
  const problems: string[] = [];
  for (const entry of readdirSync(examplesDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    if (!existsSync(join(examplesDir, entry.name, 'package.json'))) {
      problems.push(`${entry.name}: no package.json`);
      continue;
    }
    try {
      examples.push(loadExample(join(examplesDir, entry.name)));
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  examples.sort((a, b) => a.number - b.number || a.slug.localeCompare(b.slug));
  return { examples, problems };
}

export function loadExample(dir: string): Example {
  const folder = dir.split('/').at(-1) ?? dir;
  const match = /^(\d+)-([a-z0-9-]+)$/.exec(folder);
  if (!match) throw new ManifestError(`${folder}: folder must be named NN-slug, e.g. 01-event-loop`);
  const raw = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as RawManifest;
  const where = `${folder}/package.json`;
  const book = raw.cookbook;
  if (!book) throw new ManifestError(`${where}: missing the "cookbook" manifest (see CONTRIBUTING.md)`);
  const text = (value: unknown, field: string): string => {
    if (typeof value !== 'string' || value.trim() === '' || value === 'TODO') {
      throw new ManifestError(`${where}: ${field} must be a non-empty string`);
    }
    return value;
  };
  const services = Array.isArray(book.services) ? book.services : [];
  for (const service of services) {
    if (!(KNOWN_SERVICES as readonly unknown[]).includes(service)) {
      throw new ManifestError(`${where}: cookbook.services has "${String(service)}"; use ${KNOWN_SERVICES.join(', ')}`);
    }
  }
  const recipes = book.recipes;
  if (!recipes || typeof recipes !== 'object' || Object.keys(recipes).length === 0) {
    throw new ManifestError(`${where}: cookbook.recipes must name at least one recipe`);
  }
  const recipeLines = Object.fromEntries(
    Object.entries(recipes).map(([name, line]) => [name, text(line, `cookbook.recipes.${name}`)]),
  );
  return {
    folder,
    slug: match[2] as string,
    number: Number(match[1]),
    packageName: text(raw.name, 'name'),
    dir,
    question: text(book.question, 'cookbook.question'),
    title: text(book.title, 'cookbook.title'),
    summary: text(book.summary, 'cookbook.summary'),
    services: services as Service[],
    recipes: recipeLines,
    preparedTransactions: book.preparedTransactions === true,
    everyNodeLine: book.everyNodeLine === true,
  };
}

/** Finds an example by slug (`event-loop`), number (`1`, `01`), folder or package name. */
export function findExample(examples: readonly Example[], name: string): Example | undefined {
  const wanted = name.trim().toLowerCase();
  return examples.find(
    (e) =>
      e.slug === wanted ||
      e.folder === wanted ||
      e.packageName === wanted ||
      (/^\d+$/.test(wanted) && e.number === Number(wanted)),
  );
}

/** The names closest to a mistyped one, by edit distance, for "did you mean". */
export function suggestExamples(examples: readonly Example[], name: string, max = 3): string[] {
  const wanted = name.toLowerCase();
  const ranked = examples
    .map((e) => ({ slug: e.slug, distance: Math.min(editDistance(wanted, e.slug), prefixDistance(wanted, e.slug)) }))
    .sort((a, b) => a.distance - b.distance);
  const close = ranked.filter((s) => s.distance <= Math.max(3, Math.floor(wanted.length / 2)));
  // Nothing close: still name the nearest few, so the message always offers a next step.
  return (close.length > 0 ? close : ranked).slice(0, max).map((s) => s.slug);
}

function prefixDistance(typed: string, slug: string): number {
  return slug.startsWith(typed) || slug.includes(typed) ? 0 : Number.POSITIVE_INFINITY;
}

export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
