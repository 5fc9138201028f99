import NodeCache from 'node-cache';
import type { User } from '../users/user.js';

// #region naive
/**
 * ❌ The seed's cache: a node-cache inside the process. Each cluster worker holds its own copy,
 * so invalidating in one leaves the others stale; `if (!user)` treats a cached "not found" as a
 * miss, so missing ids hit the database every time; concurrent misses all load.
 */
export function naiveUserCache(load: (id: number) => Promise<User | null>) {
  const cache = new NodeCache({ stdTTL: 600 });
  return {
    async get(id: number): Promise<User | null> {
      let user = cache.get<User | null>(`user_${id}`);
      if (!user) {
        user = await load(id);
        cache.set(`user_${id}`, user);
      }
      return user;
    },
    /** All an in-process cache can do: forget its own copy. */
    invalidate(id: number): void {
      cache.del(`user_${id}`);
    },
  };
}
// #endregion naive
