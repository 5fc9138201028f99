import { spawnSync } from 'node:child_process';

export interface Stage {
  name: string;
  from: string;
  instructions: { keyword: string; args: string }[];
}

/** A Dockerfile's stages, as far as this package writes them: one instruction per line, `FROM x AS name`. */
export function dockerfileStages(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (!line || line.startsWith('#')) continue;
    const [keyword = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (keyword.toUpperCase() === 'FROM') {
      const [from = '', , name = ''] = rest;
      stages.push({ name, from, instructions: [] });
    } else stages.at(-1)?.instructions.push({ keyword: keyword.toUpperCase(), args });
  }
  return stages;
}

/** ENV of a target, its parents' first (`FROM runtime AS gateway` inherits runtime's). */
export function stageEnv(stages: Stage[], name: string): Record<string, string> {
  const stage = stages.find((s) => s.name === name);
  if (!stage) return {};
  const env: Record<string, string> = stageEnv(stages, stage.from);
  for (const { keyword, args } of stage.instructions) {
    const match = keyword === 'ENV' ? /^(\w+)=(.*)$/.exec(args) : null;
    if (match?.[1]) env[match[1]] = match[2] ?? '';
  }
  return env;
}

export const instruction = (stage: Stage | undefined, keyword: string) =>
  stage?.instructions.find((i) => i.keyword === keyword)?.args;

/** `docker-compose config -q`: exit status and stderr; a missing binary names the package to install. */
export function composeCheck(path: string): { status: number | null; stderr: string } {
  const result = spawnSync('docker-compose', ['-f', path, 'config', '-q'], { encoding: 'utf8' });
  if (result.error)
    throw new Error(`docker-compose could not run (${result.error.message}): apt-get install docker-compose`);
  return { status: result.status, stderr: result.stderr };
}

export interface ComposeService {
  build?: { target?: string; dockerfile?: string };
  environment?: Record<string, string>;
  healthcheck?: { test?: string[] };
  depends_on?: Record<string, { condition?: string }>;
  stop_grace_period?: string;
  ports?: unknown[];
}

/**
 * The file as docker-compose resolves it (anchors merged, variables substituted), as an object.
 * docker-compose v1 is Python and depends on PyYAML, so where it runs, this conversion runs too.
 */
export function resolvedCompose(path: string): { services: Record<string, ComposeService> } {
  const config = spawnSync('docker-compose', ['-f', path, 'config'], {
    encoding: 'utf8',
    env: { ...process.env, API_KEYS: '' },
  });
  if (config.status !== 0) throw new Error(`docker-compose config failed: ${config.stderr}`);
  const json = spawnSync('python3', ['-c', 'import json,sys,yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'], {
    input: config.stdout,
    encoding: 'utf8',
  });
  if (json.status !== 0) throw new Error(`could not read docker-compose's YAML: ${json.stderr}`);
  return JSON.parse(json.stdout);
}
