import type { Deployment } from 'kubernetes-models/apps/v1';
import { container } from './checks.js';

// The image the pod runs, checked against the Dockerfile that builds it.

// #region image-check
/** The repository the Dockerfile's documented build line tags (`docker build … -t <repository> .`). */
export function dockerBuildRepository(dockerfile: string): string {
  const tag = /docker build\b.*\s-t\s+(\S+)/.exec(dockerfile)?.[1];
  if (!tag) throw new Error('the Dockerfile documents no `docker build … -t <name>` line to take the image name from');
  return tag.replace(/:[^/:]+$/, '');
}

/** The pod runs the image that Dockerfile builds, under a pinned tag: `latest` is whatever was pushed last. */
export function imageProblems(deployment: Deployment, repository: string): string[] {
  const image = container(deployment).image ?? '';
  const at = image.lastIndexOf(':');
  const [name, tag] = at > image.lastIndexOf('/') ? [image.slice(0, at), image.slice(at + 1)] : [image, ''];
  const problems: string[] = [];
  if (name !== repository) problems.push(`image ${image} is not ${repository}, the image the Dockerfile builds`);
  if (tag === '' || tag === 'latest')
    problems.push(`image ${image} has no pinned tag: use ${repository}:<version or commit>`);
  return problems;
}
// #endregion image-check
