import type { Redis } from 'ioredis';

// #region seed-script
/** The Q&A's script as written: no account or amount validation. */
export const SEED_TRANSFER_LUA = `
local balance = redis.call('GET', KEYS[1])
if tonumber(balance) >= tonumber(ARGV[1]) then
  redis.call('DECRBY', KEYS[1], ARGV[1])
  redis.call('INCRBY', KEYS[2], ARGV[1])
  return 1
end
return 0`;
// #endregion seed-script

// #region transfer-script
// Redis runs a script to completion before any other command, so check and move are one step.
// error_reply gives the caller a typed, readable error instead of a Lua runtime error.
export const TRANSFER_LUA = `
local amount = tonumber(ARGV[1])
if not amount or amount <= 0 or amount % 1 ~= 0 then
  return redis.error_reply('INVALID_AMOUNT amount must be a positive integer')
end
if KEYS[1] == KEYS[2] then return redis.error_reply('SAME_ACCOUNT cannot transfer to itself') end
local from = redis.call('GET', KEYS[1])
if not from then return redis.error_reply('NO_ACCOUNT ' .. KEYS[1]) end
if not redis.call('GET', KEYS[2]) then return redis.error_reply('NO_ACCOUNT ' .. KEYS[2]) end
if tonumber(from) < amount then return 0 end
redis.call('DECRBY', KEYS[1], amount)
redis.call('INCRBY', KEYS[2], amount)
return 1`;
// #endregion transfer-script

interface TransferCommands {
  transferFunds(fromKey: string, toKey: string, amount: number): Promise<number>;
  seedTransferFunds(fromKey: string, toKey: string, amount: number): Promise<number>;
}

// #region define-command
/** The clients whose scripts are registered: each client once, however many calls it serves. */
const registered = new WeakMap<Redis, Redis & TransferCommands>();

/** Registers the scripts on this client once; ioredis then calls them by SHA (EVALSHA). */
function withTransferCommands(redis: Redis): Redis & TransferCommands {
  return registered.get(redis) ?? registerTransferCommands(redis);
}

function registerTransferCommands(redis: Redis): Redis & TransferCommands {
  redis.defineCommand('transferFunds', { numberOfKeys: 2, lua: TRANSFER_LUA });
  redis.defineCommand('seedTransferFunds', { numberOfKeys: 2, lua: SEED_TRANSFER_LUA });
  const withCommands = redis as Redis & TransferCommands;
  registered.set(redis, withCommands);
  return withCommands;
}

/** True when the money moved, false on insufficient funds; throws on a bad amount or unknown account. */
export async function transferFunds(redis: Redis, fromKey: string, toKey: string, amount: number): Promise<boolean> {
  return (await withTransferCommands(redis).transferFunds(fromKey, toKey, amount)) === 1;
}
// #endregion define-command

/** The seed's script, run atomically too, but trusting its input. */
export async function seedTransferFunds(
  redis: Redis,
  fromKey: string,
  toKey: string,
  amount: number,
): Promise<boolean> {
  return (await withTransferCommands(redis).seedTransferFunds(fromKey, toKey, amount)) === 1;
}

// #region client-transfer
/** The same check done from Node: another client can spend the money between GET and DECRBY. */
export async function unsafeClientTransfer(
  redis: Redis,
  fromKey: string,
  toKey: string,
  amount: number,
): Promise<boolean> {
  const balance = Number(await redis.get(fromKey));
  if (balance < amount) return false;
  await redis.decrby(fromKey, amount);
  await redis.incrby(toKey, amount);
  return true;
}
// #endregion client-transfer
