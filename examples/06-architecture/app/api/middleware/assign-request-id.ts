import type { RequestHandler } from 'express';
import { runWithRequestId } from '../../utils/request-context.js';
import { REQUEST_ID_HEADER, requestIdFrom } from '../request-id.js';

/**
 * Every response, error or not, carries the id its log lines carry; the rest of the request runs
 * inside that id's context, so a service several layers down logs it without being handed it.
 */
export function assignRequestId(): RequestHandler {
  return (req, res, next) => {
    const id = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    res.locals.requestId = id;
    res.setHeader(REQUEST_ID_HEADER, id);
    runWithRequestId(id, next);
  };
}
