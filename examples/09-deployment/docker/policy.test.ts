import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { baseImageProblems, NODE_END_OF_LIFE, productionImageProblems } from './test/dockerfile-policy.js';

const read = (file: string) => readFileSync(new URL(file, import.meta.url), 'utf8');
const NOW = new Date('2026-11-25T00:00:00Z');

describe('the production image policy', () => {
  it('holds for this Dockerfile, today and on the date below; the Q&A Dockerfile breaks it six ways', () => {
    expect(productionImageProblems(read('./Dockerfile'))).toEqual([]);
    expect(productionImageProblems(read('./Dockerfile'), NOW)).toEqual([]);
    expect(productionImageProblems(read('./Dockerfile.naive'), NOW)).toEqual([
      'runtime image node:18-alpine: Node 18 reached end of life on 2025-04-30',
      'runtime image node:18-alpine is not pinned to an exact version',
      'npm --only=production is gone: use --omit=dev',
      'NODE_ENV=production not set',
      'no HEALTHCHECK',
      'runtime copies the whole build context (COPY . .)',
    ]);
  });

  it('knows release lines by their end-of-life date: node:20 is refused after 2026-04-30, 24 accepted', () => {
    expect(baseImageProblems('node:20.19.5-trixie-slim', NOW)).toEqual([
      'runtime image node:20.19.5-trixie-slim: Node 20 reached end of life on 2026-04-30',
    ]);
    expect(baseImageProblems('node:24.21.0-trixie-slim', NOW)).toEqual([]);
    // The same image the day before its end of life: the date decides, not a "20+" rule.
    expect(baseImageProblems('node:20.19.5-trixie-slim', new Date('2026-04-29T00:00:00Z'))).toEqual([]);
    expect(NODE_END_OF_LIFE).toMatchObject({ 20: '2026-04-30', 22: '2027-04-30', 24: '2028-04-30', 26: '2029-04-30' });
  });

  it('refuses a line that is never LTS or is not in the table yet, and a tag that floats', () => {
    expect(baseImageProblems('node:25.9.0-trixie-slim', NOW)).toEqual([
      'runtime image node:25.9.0-trixie-slim: Node 25 is not an LTS line in the release table',
    ]);
    expect(baseImageProblems('node:24-trixie-slim', NOW)).toEqual([
      'runtime image node:24-trixie-slim is not pinned to an exact version',
    ]);
    expect(baseImageProblems('node:latest', NOW)).toEqual([
      'runtime image node:latest is not an official node image with a version',
    ]);
  });

  it('refuses a CMD that runs TypeScript through a loader', () => {
    const text = read('./Dockerfile').replace(
      'CMD ["node", "--import", "./dist/telemetry/register.js", "dist/service/start.js"]',
      'CMD ["node", "--import", "tsx", "--import", "./telemetry/register.ts", "service/start.ts"]',
    );
    expect(productionImageProblems(text, NOW)).toEqual(['CMD runs TypeScript: ship the compiled JavaScript']);
  });
});
