import { isMain, runRecipes } from '@cookbook/shared';
import { alertsDemo } from '../alerts/demo.js';
import { errorTrackingDemo } from '../error-tracking/demo.js';
import { loggingDemo } from '../logging/demo.js';
import { metricsDemo } from '../metrics/demo.js';
import { scrapingDemo } from '../scraping/demo.js';
import { tracingDemo } from '../tracing/demo.js';

export const recipes = {
  tracing: tracingDemo,
  metrics: metricsDemo,
  scraping: scrapingDemo,
  alerts: alertsDemo,
  logging: loggingDemo,
  'error-tracking': errorTrackingDemo,
};

if (isMain(import.meta.url)) process.exitCode = await runRecipes(recipes);
