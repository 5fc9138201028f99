import { OptimisticLockError } from 'sequelize';
import { VersionConflictError } from './optimistic-locking.js';

// #region retry
/**
 * Re-runs `edit` (which must re-read the row) when it lost a version race. Jittered backoff keeps
 * the losers from colliding again in lockstep; after `attempts` the conflict goes to the caller.
 */
export async function retryOnConflict<T>(edit: () => Promise<T>, attempts = 5, baseDelayMs = 10): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await edit();
    } catch (error) {
      const conflict = error instanceof VersionConflictError || error instanceof OptimisticLockError;
      if (!conflict || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * baseDelayMs * 2 ** attempt));
    }
  }
}
// #endregion retry
