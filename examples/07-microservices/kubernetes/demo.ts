import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { recipe } from '@cookbook/shared';
import { defaultOptions, systemManifests } from './manifests.js';

export const kubernetesDemo = recipe({
  services: [],
  title: 'manifests for the four services, typed, validated, written for kubectl apply',
  lookFor:
    'four Deployments, Services, PDBs and NetworkPolicies, one HPA (the gateway); only the gateway admits the ingress.',
  async run({ smoke, log, defer }) {
    const manifests = systemManifests(defaultOptions('local'));
    const documents: string[] = [];
    for (const [name, objects] of Object.entries(manifests)) {
      for (const model of Object.values(objects)) {
        model.validate();
        // JSON is YAML: one document per object, so kubectl apply -f takes the file as it is.
        documents.push(JSON.stringify(model.toJSON(), null, 2));
      }
      log(
        `${name}: ${Object.values(objects)
          .map((m) => m.kind)
          .join(', ')}: schema ok`,
      );
    }
    const dir = smoke
      ? await mkdtemp(join(tmpdir(), 'cookbook-k8s-07-'))
      : fileURLToPath(new URL('./out', import.meta.url));
    if (smoke) defer(() => rm(dir, { recursive: true, force: true }));
    await mkdir(dir, { recursive: true });
    const file = join(dir, 'order-flow.yaml');
    await writeFile(file, `${documents.join('\n---\n')}\n`);
    log(
      `wrote ${file}; create the Secret order-flow-secrets (DATABASE_URL, AMQP_URL, REDIS_URL, API_KEYS), then kubectl apply -f it`,
    );
  },
});
