import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The folders the image ships (see tsconfig.build.json). */
const SHIPPED = ['service', 'config', 'health', 'logging', 'graceful-shutdown', 'telemetry'];

/**
 * A copy of the shipped sources, inside the package (so `node_modules` resolves), with relative
 * imports spelled `./x.ts`, which Node's type stripping needs where tsc wants `./x.js`.
 */
export function strippableCopy(packageRoot: string, name: string): string {
  const copy = join(packageRoot, 'tmp', name);
  mkdirSync(copy, { recursive: true });
  for (const folder of SHIPPED) {
    cpSync(join(packageRoot, folder), join(copy, folder), {
      recursive: true,
      filter: (path) => !/\/test(\/|$)|\.test\.ts$|demo\.ts$/.test(relative(packageRoot, path)),
    });
    const files = readdirSync(join(copy, folder), { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.ts'),
    );
    for (const file of files.map((f) => join(copy, folder, f))) {
      writeFileSync(file, readFileSync(file, 'utf8').replace(/(from '\.{1,2}\/[^']+)\.js'/g, "$1.ts'"));
    }
  }
  return copy;
}
