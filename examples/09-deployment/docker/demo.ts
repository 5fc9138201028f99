import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { recipe } from '@cookbook/shared';
import { productionImageProblems } from './test/dockerfile-policy.js';

const here = fileURLToPath(new URL('.', import.meta.url));

export const dockerDemo = recipe({
  services: [],
  title: 'the image policy and the compose file, checked offline',
  lookFor:
    'the Dockerfile meets the policy; the Q&A one breaks six rules (Node 18 by its end-of-life date first); compose.yaml validates.',
  async run({ log }) {
    for (const file of ['Dockerfile', 'Dockerfile.naive']) {
      const problems = productionImageProblems(readFileSync(`${here}/${file}`, 'utf8'));
      log(`${file}: ${problems.length === 0 ? 'meets the policy' : problems.join('; ')}`);
    }
    const compose = spawnSync('docker-compose', ['-f', `${here}/compose.yaml`, 'config', '-q'], { encoding: 'utf8' });
    log(
      compose.error
        ? 'docker-compose not installed (apt-get install docker-compose): compose.yaml not checked'
        : `docker-compose config -q compose.yaml: exit ${compose.status}`,
    );
    log('Build it from the repo root: docker build -f examples/09-deployment/docker/Dockerfile . (not run in CI).');
  },
});
