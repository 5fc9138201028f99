import { isMain, runRecipes } from '@cookbook/shared';
import { cachingDemo } from '../caching/demo.js';
import { clusterDemo } from '../cluster/demo.js';
import { compressionDemo } from '../compression/demo.js';
import { fastJsonDemo } from '../fast-json/demo.js';
import { frameworksDemo } from '../frameworks/demo.js';
import { nPlusOneDemo } from '../n-plus-one/demo.js';
import { poolingDemo } from '../pooling/demo.js';
import { workerThreadsDemo } from '../worker-threads/demo.js';

export const recipes = {
  'worker-threads': workerThreadsDemo,
  cluster: clusterDemo,
  caching: cachingDemo,
  'n-plus-one': nPlusOneDemo,
  pooling: poolingDemo,
  compression: compressionDemo,
  'fast-json': fastJsonDemo,
  frameworks: frameworksDemo,
};

if (isMain(import.meta.url)) process.exitCode = await runRecipes(recipes);
