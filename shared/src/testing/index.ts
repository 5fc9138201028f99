// The scratch database of `@cookbook/shared`, under the name tests read best with.

export { startEmbeddedPostgres as startOwnPostgres } from '../embedded-postgres.js';
export { ephemeralRange, reservablePort } from '../ports.js';
export { deleteRabbitNames, type RabbitNames, rabbitNames } from '../rabbit-names.js';
export { deleteRedisPrefix, redisPrefix } from '../redis-prefix.js';
export {
  createScratchDatabase as createTestDatabase,
  type ScratchDatabase as TestDatabase,
  uniqueName,
} from '../scratch-database.js';
export { CountReporter, type TestCounts } from './count-reporter.js';
export { type EnvelopeReceiver, startEnvelopeReceiver } from './envelope-receiver.js';
export { type OwnRabbit, startOwnRabbit } from './own-rabbit.js';
export { type OwnRedis, startOwnRedis } from './own-redis.js';
export { usePausedBackends } from './paused-backend.js';
export { closePool, testPool, trackPool } from './pool.js';
export { type TestServices, testServices } from './provided.js';
export { recipeTableMismatches } from './recipe-table.js';
export { type Fixture, type FixtureOptions, spawnFixture } from './spawn.js';
export { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
export { type FileDatabase, useTestDatabase } from './use.js';
export { waitForCount, waitUntil } from './wait.js';
