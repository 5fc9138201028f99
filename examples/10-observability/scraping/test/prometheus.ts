import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reservablePort } from '@cookbook/shared';

export interface ScrapeTarget {
  job: string;
  /** host:port of a metrics server. */
  address: string;
  /** Sent as `Authorization: Bearer …` when the metrics server wants a token. */
  token?: string;
}

export interface RunningPrometheus {
  url: string;
  stop(): Promise<void>;
}

/** The config file a test Prometheus runs with: every target scraped each second. */
export function prometheusConfig(targets: readonly ScrapeTarget[], ruleFiles: readonly string[] = []): string {
  const jobs = targets.map((t) =>
    [
      `  - job_name: ${JSON.stringify(t.job)}`,
      ...(t.token ? [`    authorization: { credentials: ${JSON.stringify(t.token)} }`] : []),
      `    static_configs: [{ targets: [${JSON.stringify(t.address)}] }]`,
    ].join('\n'),
  );
  return [
    'global: { scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s }',
    `rule_files: [${ruleFiles.map((f) => JSON.stringify(f)).join(', ')}]`,
    'scrape_configs:',
    ...jobs,
  ].join('\n');
}

/**
 * A real Prometheus (the Debian binary) on a free port with a throwaway data directory, stopped
 * and removed by `stop()`. Resolves once `/-/ready` answers.
 */
export async function startPrometheus(
  targets: readonly ScrapeTarget[],
  ruleFiles: readonly string[] = [],
): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'prometheus-'));
  writeFileSync(join(dir, 'prometheus.yml'), prometheusConfig(targets, ruleFiles));
  const port = await reservablePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = once(child, 'exit');
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  child.once('error', () => {});
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`prometheus exited before it was ready (is it installed? apt-get install prometheus):\n${log}`);
    }
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { url, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus was not ready after 30 s:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
