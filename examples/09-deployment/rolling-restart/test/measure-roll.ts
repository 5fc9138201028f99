import { type LoadReport, spawnLoadGenerator, throughput } from '../load-generator.js';
import { type RollStep, rollingRestart } from '../roll.js';
import type { Fleet } from './fleet.js';

export interface RollMeasurement {
  report: LoadReport;
  steps: RollStep[];
  failed: number;
  served: number;
  /** Requests per second during the roll over those before it: what the roll cost in capacity. */
  ratio: number;
  steadyRps: number;
  rollRps: number;
}

/**
 * A load generator in its own process on `/api/time` through HAProxy: a warm-up, a steady window,
 * the rolling restart, a short window after. The windows measure; the roll itself waits on HAProxy.
 */
export async function measureRoll(
  fleet: Fleet,
  {
    connections = 4,
    steadyMs = 3_000,
    onStep,
  }: { connections?: number; steadyMs?: number; onStep?: (line: string) => void } = {},
): Promise<RollMeasurement> {
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const load = spawnLoadGenerator({ url: `${fleet.url}/api/time`, connections, execArgv: ['--import', 'tsx'] });
  try {
    await load.started;
    await pause(1_000);
    load.enter('steady');
    await pause(steadyMs);
    load.enter('roll');
    const steps = await rollingRestart(fleet.instances, {
      haproxy: fleet.haproxy,
      start: fleet.start,
      ...(onStep ? { onStep } : {}),
    });
    load.enter('after');
    await pause(1_000);
    const report = await load.stop();
    const phases = Object.values(report.phases);
    const steadyRps = throughput(report.phases.steady);
    const rollRps = throughput(report.phases.roll);
    return {
      report,
      steps,
      failed: phases.reduce((sum, p) => sum + p.failed, 0),
      served: phases.reduce((sum, p) => sum + p.ok, 0),
      ratio: rollRps / steadyRps,
      steadyRps,
      rollRps,
    };
  } finally {
    load.kill();
  }
}
