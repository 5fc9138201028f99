import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { recipe, UsageError } from '@cookbook/shared';
import { gracePeriodProblems, missingVariables, requiredVariables, selectorProblems } from './checks.js';
import { defaultOptions } from './deploy-options.js';
import { imageProblems } from './image-check.js';
import { configThePodSees, serviceManifests } from './manifests.js';
import { builtRepository, manifestsYaml } from './test/render.js';

/** `pnpm example deployment kubernetes [--tag T] [--out DIR]`: the image tag you built, and where the YAML goes. */
function options(args: readonly string[]): { tag: string; out: string } {
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    options: { tag: { type: 'string', default: 'local' }, out: { type: 'string' } },
  });
  if (!/^[\w][\w.-]{0,127}$/.test(values.tag))
    throw new UsageError(`kubernetes: --tag must be a Docker tag, got "${values.tag}"`);
  return { tag: values.tag, out: resolve(values.out ?? fileURLToPath(new URL('./out', import.meta.url))) };
}

export const kubernetesDemo = recipe({
  services: [],
  title: 'typed manifests, validated by the schemas and by the checks they cannot do, written as YAML',
  lookFor: 'six objects pass schema validation and every semantic check; kubectl apply -f the file it names.',
  async run({ args, smoke, log, defer }) {
    const { tag, out } = options(args);
    const repository = builtRepository();
    const config = defaultOptions(`${repository}:${tag}`);
    const m = serviceManifests(config);
    for (const model of Object.values(m)) {
      model.validate();
      log(`${model.kind.padEnd(24)} ${model.metadata?.name}: schema ok`);
    }
    const problems = [
      ...selectorProblems(m),
      ...gracePeriodProblems(m.deployment, configThePodSees(config.config).shutdownTimeoutMs),
      ...missingVariables(m, requiredVariables()),
      ...imageProblems(m.deployment, repository),
    ];
    if (problems.length > 0) throw new Error(`the manifests are wrong:\n  ${problems.join('\n  ')}`);
    log(
      `selectors, grace period (${m.deployment.spec?.template.spec?.terminationGracePeriodSeconds} s), env, image: ok`,
    );
    const dir = smoke ? await mkdtemp(join(tmpdir(), 'cookbook-k8s-')) : out;
    if (smoke) defer(() => rm(dir, { recursive: true, force: true }));
    await mkdir(dir, { recursive: true });
    const file = join(dir, 'api.yaml');
    await writeFile(file, manifestsYaml(m));
    log(`wrote ${file}`);
    log(
      `create the Secret first: kubectl create secret generic ${config.secretName} --from-literal=DATABASE_URL=… --from-literal=REDIS_URL=…`,
    );
    log(`then: kubectl apply -f ${file}`);
  },
});
