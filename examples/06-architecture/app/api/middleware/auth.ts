import type { RequestHandler, Response } from 'express';
import { requireAdmin, requireSelfOrAdmin } from '../access-policy.js';
import type { Caller, TokenVerifier } from '../access-token.js';

// #region auth-middleware
/** Mounted before every route: no verified token, no access (a new route is closed until opened). */
export function authenticate(verify: TokenVerifier): RequestHandler {
  return (req, res, next) => {
    res.locals.caller = verify(req.headers.authorization);
    next();
  };
}

const callerOf = (res: Response): Caller => res.locals.caller;

/** For routes that change data: the admin role only. */
export function adminOnly(action: string): RequestHandler {
  return (_req, res, next) => {
    requireAdmin(callerOf(res), action);
    next();
  };
}

/** After `validate(idParamsSchema, 'params')`: the caller's own record, or an admin. */
export function selfOrAdmin(action: string): RequestHandler {
  return (_req, res, next) => {
    requireSelfOrAdmin(callerOf(res), res.locals.params.id, action);
    next();
  };
}
// #endregion auth-middleware
