// The scratch database of `@cookbook/shared`, under the name tests read best with.
export {
  createScratchDatabase as createTestDatabase,
  type ScratchDatabase as TestDatabase,
  uniqueName,
} from '../scratch-database.js';
export { type TestServices, testServices } from './provided.js';
export { deleteRabbitNames, type RabbitNames, rabbitNames } from './rabbitmq.js';
export { deleteRedisPrefix, redisPrefix } from './redis.js';
export { useTestDatabase } from './use.js';
