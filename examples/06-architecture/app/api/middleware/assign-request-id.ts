import type { RequestHandler } from 'express';
import { REQUEST_ID_HEADER, requestIdFrom } from '../request-id.js';

/** Every response, error or not, carries the id its log lines carry. */
export function assignRequestId(): RequestHandler {
  return (req, res, next) => {
    const id = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    res.locals.requestId = id;
    res.setHeader(REQUEST_ID_HEADER, id);
    next();
  };
}
