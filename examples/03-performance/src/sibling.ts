/**
 * The URL of a sibling module for a thread or process entry: `.ts` when running from source
 * (tsx), `.js` once compiled. Loaders only rewrite extensions for imports, not for entry files.
 */
export function siblingModule(name: string, from: string): URL {
  const extension = from.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${name}${extension}`, from);
}
