import { readFileSync } from 'node:fs';
import { extname } from 'node:path';

/** Markers a README holds for code regions: `<!-- region:src/file.ts#name -->` … `<!-- endregion -->`. */
const README_REGION = /<!-- region:([^#\s]+)#([\w-]+) -->\n[\s\S]*?<!-- endregion -->/g;

const FENCE_LANGUAGE: Record<string, string> = {
  '.ts': 'ts',
  '.js': 'js',
  '.cjs': 'js',
  '.mjs': 'js',
  '.json': 'json',
  '.yml': 'yaml',
  '.yaml': 'yaml',
  '.sql': 'sql',
  '.sh': 'sh',
  '.lua': 'lua',
};

export class RegionError extends Error {
  override name = 'RegionError';
}

/**
 * The lines between `#region name` and `#endregion name` in any comment style (`//`, `#`, `--`),
 * without the markers of nested regions, dedented.
 */
export function extractRegion(source: string, name: string, where: string): string {
  const lines = source.split('\n');
  const marker = (kind: string) => new RegExp(`^\\s*(//|#|--|<!--)\\s*#${kind}\\s+${name}\\b`);
  const start = lines.findIndex((line) => marker('region').test(line));
  if (start === -1) throw new RegionError(`${where}: no "#region ${name}" marker`);
  const end = lines.findIndex((line, i) => i > start && marker('endregion').test(line));
  if (end === -1) throw new RegionError(`${where}: "#region ${name}" has no matching "#endregion ${name}"`);
  const body = lines.slice(start + 1, end).filter((line) => !/^\s*(\/\/|#|--|<!--)\s*#(end)?region\b/.test(line));
  return dedent(body).join('\n');
}

function dedent(lines: string[]): string[] {
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)?.[0].length ?? 0);
  const common = indents.length === 0 ? 0 : Math.min(...indents);
  return lines.map((l) => l.slice(common));
}

/** The README with every region block refilled from the source file it names (paths relative to the README). */
export function fillRegions(readme: string, readFile: (relativePath: string) => string, where: string): string {
  return readme.replace(README_REGION, (_block, path: string, name: string) => {
    const code = extractRegion(readFile(path), name, `${where} → ${path}`);
    const language = FENCE_LANGUAGE[extname(path)] ?? '';
    return `<!-- region:${path}#${name} -->\n\`\`\`${language}\n${code}\n\`\`\`\n<!-- endregion -->`;
  });
}

export function readRelative(baseDir: string): (relativePath: string) => string {
  return (relativePath) => {
    try {
      return readFileSync(`${baseDir}/${relativePath}`, 'utf8');
    } catch {
      throw new RegionError(`${baseDir}: the README names ${relativePath}, which does not exist`);
    }
  };
}

/** Replaces what stands between `<!-- name:start -->` and `<!-- name:end -->`. */
export function fillBlock(text: string, name: string, content: string, where: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to === -1 || to < from) throw new RegionError(`${where}: needs ${start} … ${end}`);
  return `${text.slice(0, from + start.length)}\n${content.trim()}\n${text.slice(to)}`;
}
