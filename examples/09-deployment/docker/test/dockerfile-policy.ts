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

// #region releases
/**
 * End of life of each Node.js LTS line, from Node's release schedule
 * (https://github.com/nodejs/Release, schedule.json), as of 2026-11. Odd-numbered lines are never
 * LTS. A line past its date gets no security fixes: the policy refuses it on that day, not "20+".
 */
export const NODE_END_OF_LIFE: Readonly<Record<number, string>> = {
  18: '2025-04-30',
  20: '2026-04-30',
  22: '2027-04-30',
  24: '2028-04-30',
  26: '2029-04-30',
};

/** What is wrong with a runtime base image such as `node:24.21.0-trixie-slim`, on `today`. */
export function baseImageProblems(image: string, today: Date): string[] {
  const match = /^node:(\d+)(\.\d+\.\d+)?(?:-|$)/.exec(image);
  if (!match) return [`runtime image ${image} is not an official node image with a version`];
  const major = Number(match[1]);
  const endOfLife = NODE_END_OF_LIFE[major];
  const problems: string[] = [];
  if (endOfLife === undefined) {
    problems.push(`runtime image ${image}: Node ${major} is not an LTS line in the release table`);
  } else if (today >= new Date(`${endOfLife}T00:00:00Z`)) {
    problems.push(`runtime image ${image}: Node ${major} reached end of life on ${endOfLife}`);
  }
  if (!match[2]) problems.push(`runtime image ${image} is not pinned to an exact version`);
  return problems;
}
// #endregion releases

// #region policy
/** The rules a production image of this service must meet on `today`; each broken rule is one message. */
export function productionImageProblems(text: string, today = new Date()): string[] {
  const stages = parseDockerfile(text);
  const runtime = stages.at(-1);
  if (!runtime) return ['no FROM'];
  const all = (keyword: string, stage?: Stage) =>
    (stage ? [stage] : stages).flatMap((s) => s.instructions.filter((i) => i.keyword === keyword));
  const problems: string[] = [];
  if (stages.length < 2) problems.push('single stage: build tools ship in the image');
  problems.push(...baseImageProblems(runtime.from, today));
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
  if (/tsx|ts-node|\.ts"/.test(cmd)) problems.push('CMD runs TypeScript: ship the compiled JavaScript');
  return problems;
}
// #endregion policy
