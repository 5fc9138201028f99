import type { RequestHandler } from 'express';
import type Joi from 'joi';
import { parseInput, type RequestPart } from '../schemas.js';

/**
 * Validates one part of the request and leaves the clean value in `res.locals[part]`
 * (Express 5 makes `req.query` read-only, and handlers should read only validated data anyway).
 */
export function validate<T>(schema: Joi.ObjectSchema<T>, part: RequestPart): RequestHandler {
  return (req, res, next) => {
    res.locals[part] = parseInput(schema, req[part], part);
    next();
  };
}
