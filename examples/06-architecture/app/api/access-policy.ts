import { ForbiddenError } from '../errors.js';
import type { Caller } from './access-token.js';

// #region access-policy
/** Who may do what, for both frameworks: reading needs only a verified token (checked before this). */
export function requireAdmin(caller: Caller, action: string): void {
  if (caller.role !== 'admin') throw new ForbiddenError(action);
}

/** A user may rename themselves; anyone else's record needs an admin. */
export function requireSelfOrAdmin(caller: Caller, userId: number, action: string): void {
  if (caller.role !== 'admin' && caller.userId !== userId) throw new ForbiddenError(action);
}
// #endregion access-policy
