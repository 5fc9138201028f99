export { createTestDatabase, type TestDatabase, uniqueName } from './database.js';
export { type TestServices, testServices } from './provided.js';
export { deleteRabbitNames, type RabbitNames, rabbitNames } from './rabbitmq.js';
export { deleteRedisPrefix, redisPrefix } from './redis.js';
export { useTestDatabase } from './use.js';
