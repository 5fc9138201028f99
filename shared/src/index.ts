export { dockerAvailable } from './docker.js';
export { isMain } from './is-main.js';
export { type LoopDelay, type LoopDelayProbe, measureLoopDelay, startLoopDelayProbe } from './loop-delay.js';
export { PROBES, postgresSetting, probePostgres, probeRabbitmq, probeRedis } from './probes.js';
export { deleteRabbitNames, type RabbitNames, rabbitNames } from './rabbit-names.js';
export { type DemoContext, type Recipe, type RecipeDefinition, recipe, runRecipes } from './recipes.js';
export { deleteRedisPrefix, redisPrefix } from './redis-prefix.js';
export {
  missingServiceMessage,
  missingServicesMessage,
  type ResolvedService,
  redact,
  ServiceUnavailableError,
} from './resolve.js';
export { type ResolvedServices, resolveService, resolveServices, type ServiceUrls } from './resolve-service.js';
export {
  closeServer,
  heading,
  isSmoke,
  listen,
  PortInUseError,
  portFromEnv,
  UsageError,
  withServer,
} from './runtime.js';
export { createScratchDatabase, type ScratchDatabase, uniqueName } from './scratch-database.js';
export { envUrl, isServiceName, SERVICE_NAMES, SERVICES, type ServiceName } from './services.js';
