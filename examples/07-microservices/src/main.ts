import { isMain, runRecipes } from '@cookbook/shared';
import { eventFanoutDemo } from '../event-fanout/demo.js';
import { kubernetesDemo } from '../kubernetes/demo.js';
import { orderFlowDemo } from '../order-flow/demo.js';
import { reliableQueueDemo } from '../reliable-queue/demo.js';
import { resilientHttpDemo } from '../resilient-http/demo.js';
import { serviceDiscoveryDemo } from '../service-discovery/demo.js';

export const recipes = {
  'resilient-http': resilientHttpDemo,
  'reliable-queue': reliableQueueDemo,
  'event-fanout': eventFanoutDemo,
  'service-discovery': serviceDiscoveryDemo,
  'order-flow': orderFlowDemo,
  kubernetes: kubernetesDemo,
};

if (isMain(import.meta.url)) process.exitCode = await runRecipes(recipes);
