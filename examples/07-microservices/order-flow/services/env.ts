/**
 * A typed reader for environment variables: a schema names each variable, how to parse it and its
 * default; a variable without a default is required. All problems are reported at once, each by
 * its variable's name, so a misconfigured container says exactly what to fix before it starts.
 */
export interface EnvVar<T> {
  /** What the variable is for, shown in errors and read by whoever writes manifests. */
  doc: string;
  default?: T;
  /** Belongs in a Secret, not a ConfigMap. */
  secret?: boolean;
  parse(raw: string): T;
}

export type EnvSchema = Record<string, EnvVar<unknown>>;
export type EnvOf<S extends EnvSchema> = { readonly [K in keyof S]: S[K] extends EnvVar<infer T> ? T : never };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

export function readEnv<S extends EnvSchema>(schema: S, env: NodeJS.ProcessEnv): EnvOf<S> {
  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(schema)) {
    const raw = env[name];
    if (raw === undefined || raw === '') {
      if (spec.default === undefined) problems.push(`${name} is required (${spec.doc})`);
      else config[name] = spec.default;
      continue;
    }
    try {
      config[name] = spec.parse(raw);
    } catch (error) {
      problems.push(`${name} ${(error as Error).message}${spec.secret ? '' : `, got "${raw}"`}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config) as EnvOf<S>;
}

/** Names of the variables a deployment must set: those without a default. */
export const requiredVariables = (schema: EnvSchema): string[] =>
  Object.entries(schema)
    .filter(([, spec]) => spec.default === undefined)
    .map(([name]) => name);

export const text = (doc: string, fallback?: string, secret = false): EnvVar<string> => ({
  doc,
  ...(fallback === undefined ? {} : { default: fallback }),
  secret,
  parse: (raw) => raw,
});

export const url = (doc: string, protocols: string[], fallback?: string): EnvVar<string> => ({
  doc,
  ...(fallback === undefined ? {} : { default: fallback }),
  parse(raw) {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new Error('must be a URL');
    }
    if (!protocols.includes(parsed.protocol)) throw new Error(`must use ${protocols.join(' or ')}`);
    return raw;
  },
});

export const integer = (doc: string, fallback: number | undefined, min: number, max: number): EnvVar<number> => ({
  doc,
  ...(fallback === undefined ? {} : { default: fallback }),
  parse(raw) {
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) throw new Error(`must be an integer from ${min} to ${max}`);
    return value;
  },
});

/** `key:client,key:client`: who may call the gateway. A secret: errors never echo it. */
export const apiKeyList = (doc: string): EnvVar<ReadonlyMap<string, string>> => ({
  doc,
  secret: true,
  parse(raw) {
    const pairs = raw.split(',').map((pair) => pair.trim().split(':'));
    if (pairs.some((pair) => pair.length !== 2 || !pair[0] || !pair[1]))
      throw new Error('must be a comma-separated list of key:client pairs');
    return new Map(pairs as [string, string][]);
  },
});
