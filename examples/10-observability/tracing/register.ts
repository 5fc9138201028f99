// The `--import` entry: `node --import ./tracing/register.js app.js` (or, from TypeScript sources,
// `node --import tsx --import ./tracing/register.ts app.ts`). Runs before the app's first import.
import { startTracing, tracingOptionsFromEnv } from './instrumentation.js';

startTracing(tracingOptionsFromEnv());
