// What demos, benches and the scripts use. Recipe code never imports this package.
export { isMain } from './is-main.js';
export { type LoopDelay, startLoopDelayProbe } from './loop-delay.js';
export { ephemeralRange, reservablePort } from './ports.js';
export { postgresSetting } from './probes.js';
export { deleteRabbitNames, type RabbitNames, rabbitNames } from './rabbit-names.js';
export { type DemoContext, type Recipe, type RecipeDefinition, recipe, runRecipes } from './recipes.js';
export { deleteRedisPrefix, deleteRunKeys, redisPrefix } from './redis-prefix.js';
export { missingServicesMessage, type ResolvedService, redact, ServiceUnavailableError } from './resolve.js';
export { type ResolvedServices, resolveService, resolveServices, type ServiceUrls } from './resolve-service.js';
export { closeServer, listen, PortInUseError, portFromEnv, UsageError, withServer } from './runtime.js';
export {
  createScratchDatabase,
  dropRunDatabases,
  type ScratchDatabase,
  TEST_RUN_VARIABLE,
  uniqueName,
} from './scratch-database.js';
export { SERVICES, type ServiceName } from './services.js';
export { cleanupTestRun } from './test-run.js';
export { ALL_TESTS_VARIABLE, TEST_PATHS_VARIABLE } from './testing/test-paths.js';
