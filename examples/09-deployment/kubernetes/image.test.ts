import { describe, expect, it } from 'vitest';
import { defaultOptions } from './deploy-options.js';
import { dockerBuildRepository, imageProblems } from './image-check.js';
import { serviceManifests } from './manifests.js';
import { podContainer } from './test/cluster.js';

const deploymentOf = (image: string) => serviceManifests(defaultOptions(image)).deployment;
const build = (tag: string) => `# docker build -f examples/09-deployment/docker/Dockerfile -t ${tag} .\nFROM node:24\n`;

describe('the image name, from the Dockerfile to the pod', () => {
  it('the repository is the build line’s tag without its version, a registry port kept', () => {
    expect(dockerBuildRepository(build('api:1.4'))).toBe('api');
    expect(dockerBuildRepository(build('registry.example.com:5000/team/api:1.4'))).toBe(
      'registry.example.com:5000/team/api',
    );
    expect(dockerBuildRepository(build('registry.example.com:5000/team/api'))).toBe(
      'registry.example.com:5000/team/api',
    );
    expect(dockerBuildRepository('# docker build -t  api .\n')).toBe('api');
  });

  it('a Dockerfile with no build line says so', () => {
    expect(() => dockerBuildRepository('FROM node:24\n')).toThrow('documents no `docker build … -t <name>` line');
  });

  it('an untagged image runs whatever `latest` is, on Docker Hub or behind a registry port', () => {
    expect(imageProblems(deploymentOf('api'), 'api')).toEqual([
      'image api has no pinned tag: use api:<version or commit>',
    ]);
    const behindPort = 'registry.example.com:5000/api';
    expect(imageProblems(deploymentOf(behindPort), behindPort)).toEqual([
      `image ${behindPort} has no pinned tag: use ${behindPort}:<version or commit>`,
    ]);
  });

  it('a container with no image is neither the built repository nor pinned', () => {
    const deployment = deploymentOf('api:1.4.2');
    podContainer(deployment).image = undefined;
    expect(imageProblems(deployment, 'api')).toEqual([
      'image  is not api, the image the Dockerfile builds',
      'image  has no pinned tag: use api:<version or commit>',
    ]);
  });
});
