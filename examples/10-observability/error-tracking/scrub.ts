// #region scrub
const SECRET_KEY = /pass(word|wd)?|secret|token|authorization|cookie|api[-_]?key|credential/i;
const URL_PASSWORD = /(\/\/[^:/@\s]+:)[^@\s/]+@/g; // postgres://app:s3cret@db → postgres://app:[Filtered]@db
const BEARER = /\b(Bearer|Basic)\s+[\w.~+/=-]+/gi;
export const FILTERED = '[Filtered]';

/**
 * A copy of `value` with secrets replaced: any field whose name says secret (a password field, an
 * Authorization or Cookie header, an API key), the password in any URL, bearer and basic
 * credentials in free text, and the same inside strings that hold JSON (a captured request body).
 */
export function scrubSecrets<T>(value: T): T {
  return scrub(value, 0) as T;
}

function scrub(value: unknown, depth: number): unknown {
  if (depth > 20) return FILTERED;
  if (typeof value === 'string') return scrubString(value, depth);
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, SECRET_KEY.test(key) ? FILTERED : scrub(item, depth + 1)]),
  );
}

function scrubString(text: string, depth: number): string {
  const json = parseJsonContainer(text);
  if (json !== undefined) return JSON.stringify(scrub(json, depth + 1));
  return text
    .replace(URL_PASSWORD, `$1${FILTERED}@`)
    .replace(BEARER, `$1 ${FILTERED}`)
    .replace(/([?&](?:[\w-]*(?:token|secret|pass(?:word)?|api[-_]?key)[\w-]*)=)[^&\s#]*/gi, `$1${FILTERED}`);
}

/** The object or array a string holds as JSON (a captured body), or undefined for any other text. */
function parseJsonContainer(text: string): object | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined; // not JSON: scrubbed as text
  }
}
// #endregion scrub
