import { isMain, runRecipes } from '@cookbook/shared';
import { dbTransactionDemo } from '../db-transaction/demo.js';
import { mutexDemo } from '../mutex/demo.js';
import { optimisticLockingDemo } from '../optimistic-locking/demo.js';
import { queueDemo } from '../queue/demo.js';
import { redisAtomicDemo } from '../redis-atomic/demo.js';
import { redisLockDemo } from '../redis-lock/demo.js';
import { redisLuaDemo } from '../redis-lua/demo.js';

export const recipes = {
  mutex: mutexDemo,
  'redis-atomic': redisAtomicDemo,
  'redis-lua': redisLuaDemo,
  'redis-lock': redisLockDemo,
  'db-transaction': dbTransactionDemo,
  'optimistic-locking': optimisticLockingDemo,
  queue: queueDemo,
};

if (isMain(import.meta.url)) process.exitCode = await runRecipes(recipes);
