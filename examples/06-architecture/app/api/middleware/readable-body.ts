import type { RequestHandler } from 'express';
import { assertReadableBody } from '../request-problems.js';

/** Before express.json(): a compressed, non-JSON or non-UTF-8 body is a 415 naming the header. */
export function readableBody(): RequestHandler {
  return (req, _res, next) => {
    assertReadableBody(req.headers);
    next();
  };
}
