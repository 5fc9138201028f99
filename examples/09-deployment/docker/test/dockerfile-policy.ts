/** Just enough of a Dockerfile parser to check a production image policy, offline, in CI. */
export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  from: string;
  name: string | undefined;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const logical = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of logical) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const instruction = { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    if (instruction.keyword === 'ARG' && stages.length === 0) {
      const [name = '', value = ''] = instruction.args.split('=');
      args.set(name, value);
    } else if (instruction.keyword === 'FROM') {
      const [image = '', , name] = instruction.args
        .replace(/\$\{(\w+)\}/g, (_, arg: string) => args.get(arg) ?? '')
        .split(/\s+/);
      stages.push({ from: image, name, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

// #region policy
/** The rules a production image of this service must meet; each broken rule is one message. */
export function productionImageProblems(text: string): string[] {
  const stages = parseDockerfile(text);
  const runtime = stages.at(-1);
  if (!runtime) return ['no FROM'];
  const all = (keyword: string, stage?: Stage) =>
    (stage ? [stage] : stages).flatMap((s) => s.instructions.filter((i) => i.keyword === keyword));
  const problems: string[] = [];
  if (stages.length < 2) problems.push('single stage: build tools ship in the image');
  const major = Number(/^node:(\d+)/.exec(runtime.from)?.[1]);
  if (!(major >= 20)) problems.push(`runtime image ${runtime.from} is not a supported Node LTS (20+)`);
  if (/:latest$|^[^:]+$/.test(runtime.from)) problems.push('runtime image tag is not pinned');
  if (all('RUN').some((i) => i.args.includes('--only=production')))
    problems.push('npm --only=production is gone: use --omit=dev');
  const user = all('USER', runtime).at(-1)?.args;
  if (!user || user === 'root' || user === '0') problems.push('runtime runs as root');
  if (!all('ENV', runtime).some((i) => /NODE_ENV[= ]production/.test(i.args)))
    problems.push('NODE_ENV=production not set');
  if (all('HEALTHCHECK', runtime).length === 0) problems.push('no HEALTHCHECK');
  if (all('COPY', runtime).some((i) => /^(?!--from)(--\S+\s+)*\.\s/.test(i.args))) {
    problems.push('runtime copies the whole build context (COPY . .)');
  }
  const cmd = all('CMD', runtime).at(-1)?.args ?? '';
  if (!cmd.startsWith('["node"')) problems.push('CMD is not exec-form node: PID 1 must receive SIGTERM');
  return problems;
}
// #endregion policy
