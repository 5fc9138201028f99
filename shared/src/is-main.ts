import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * True when the module at `moduleUrl` is the file Node was asked to run, so an entry file can
 * start its server when run and stay side-effect free when imported by a test.
 */
export function isMain(moduleUrl: string, argv1: string | undefined = process.argv[1]): boolean {
  if (!argv1) return false;
  const modulePath = realpathSync(fileURLToPath(moduleUrl));
  const entry = tryRealpath(argv1);
  return modulePath === entry || modulePath.replace(/\.[cm]?[jt]s$/, '') === entry.replace(/\.[cm]?[jt]s$/, '');
}

function tryRealpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
