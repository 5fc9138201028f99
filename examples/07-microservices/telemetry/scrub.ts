// #region scrub
const SECRET_KEY = /pass(word|wd)?|secret|token|authorization|cookie|api[-_]?key|credential/i;
const URL_PASSWORD = /(\/\/[^:/@\s]+:)[^@\s/]+@/g; // postgres://app:s3cret@db → postgres://app:[Filtered]@db
const BEARER = /\b(Bearer|Basic)\s+[\w.~+/=-]+/gi;
const SECRET_PARAM = /([?&](?:[\w-]*(?:token|secret|pass(?:word)?|api[-_]?key)[\w-]*)=)[^&\s#]*/gi;
export const FILTERED = '[Filtered]';

/**
 * A copy of `value` with secrets replaced: fields named for secrets (a password, an Authorization
 * or Cookie header, an API key), the password in any URL, bearer and basic credentials and secret
 * query parameters in free text, at any depth.
 */
export function scrubSecrets<T>(value: T): T {
  return scrub(value, 0) as T;
}

function scrub(value: unknown, depth: number): unknown {
  if (depth > 20) return FILTERED;
  if (typeof value === 'string') {
    return value
      .replace(URL_PASSWORD, `$1${FILTERED}@`)
      .replace(BEARER, `$1 ${FILTERED}`)
      .replace(SECRET_PARAM, `$1${FILTERED}`);
  }
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, SECRET_KEY.test(key) ? FILTERED : scrub(item, depth + 1)]),
  );
}
// #endregion scrub
