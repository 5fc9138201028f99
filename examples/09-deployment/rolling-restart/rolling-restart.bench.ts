// A rolling restart of three instances behind HAProxy under a closed-loop load of 4 connections:
// requests per second before and during the roll, and failed requests. Everything shares the cores.
import { deleteRedisPrefix, redisPrefix, resolveServices } from '@cookbook/shared';
import { markdownTable, median, ratio, reportBench } from '@cookbook/shared/bench';
import { Redis } from 'ioredis';
import { startFleet } from './test/fleet.js';
import { measureRoll } from './test/measure-roll.js';

const ROLLS = 3;
const services = await resolveServices(['postgres', 'redis']);
const prefix = redisPrefix('roll-bench');
const fleet = await startFleet({
  databaseUrl: services.databaseUrl,
  redisUrl: services.redisUrl,
  redisKeyPrefix: prefix,
});
try {
  const runs = [];
  for (let i = 0; i < ROLLS; i += 1) runs.push(await measureRoll(fleet, { steadyMs: 5_000 }));
  const steady = median(runs.map((r) => r.steadyRps));
  const roll = median(runs.map((r) => r.rollRps));
  const failed = runs.reduce((sum, r) => sum + r.failed, 0);
  const served = runs.reduce((sum, r) => sum + r.served, 0);
  reportBench(
    'rolling-restart',
    markdownTable(
      ['phase (median of 3 rolls)', 'GET /api/time req/s', 'failed / served (all rolls)', 'vs steady'],
      [
        ['steady, 3 instances UP', steady, '', '1x'],
        ['rolling restart, one instance out at a time', roll, `${failed} / ${served}`, ratio(roll, steady)],
      ],
      0,
    ),
    // One instance of three is always out and the cores are the same: a roll faster than steady
    // state means the steady window was depressed (a busy machine), not a fast roll.
    [
      {
        figure: 'roll vs steady',
        measured: roll / steady,
        limit: 1.05,
        because: 'one of three instances out, same cores',
        unit: 'x',
      },
    ],
  );
} finally {
  await fleet.stop();
  const redis = new Redis(services.redisUrl);
  await deleteRedisPrefix(redis, prefix);
  redis.disconnect();
  await services.stop();
}
