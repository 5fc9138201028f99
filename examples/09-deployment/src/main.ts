import { isMain, runRecipes } from '@cookbook/shared';
import { configDemo } from '../config/demo.js';
import { dockerDemo } from '../docker/demo.js';
import { gracefulShutdownDemo } from '../graceful-shutdown/demo.js';
import { healthDemo } from '../health/demo.js';
import { kubernetesDemo } from '../kubernetes/demo.js';
import { loggingDemo } from '../logging/demo.js';
import { pm2Demo } from '../pm2/demo.js';
import { rollingRestartDemo } from '../rolling-restart/demo.js';

export const recipes = {
  config: configDemo,
  pm2: pm2Demo,
  docker: dockerDemo,
  health: healthDemo,
  logging: loggingDemo,
  'graceful-shutdown': gracefulShutdownDemo,
  'rolling-restart': rollingRestartDemo,
  kubernetes: kubernetesDemo,
};

if (isMain(import.meta.url)) process.exitCode = await runRecipes(recipes);
