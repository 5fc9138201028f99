import type { FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify';
import type { Logger } from '../utils/logger.js';
import { runWithRequestId } from '../utils/request-context.js';
import type { Caller, TokenVerifier } from './access-token.js';
import { logHttpError, routeNotFound, toHttpError } from './http-errors.js';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id.js';
import { answerClientError, assertReadableBody } from './request-problems.js';
import { securityHeaderValues } from './security-headers.js';

const SECURITY_HEADERS = securityHeaderValues();

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook before any handler runs. */
    caller: Caller;
  }
}

/** Constructor options: the request id, and the errors Fastify raises before any hook runs. */
export function edgeOptions(): FastifyServerOptions {
  return {
    logger: false,
    bodyLimit: 100 * 1024,
    genReqId: (req) => requestIdFrom(req.headers[REQUEST_ID_HEADER]),
    clientErrorHandler: answerClientError,
    // A path that is not valid percent-encoding fails before the hooks: answer it here, same shape.
    frameworkErrors: (error, request, frameworkReply) => {
      const reply = frameworkReply as FastifyReply; // its generic route types know no status codes
      const { status, body } = toHttpError(error, request.id);
      reply.headers(SECURITY_HEADERS).header(REQUEST_ID_HEADER, request.id).code(status).send(body);
    },
  };
}

/** The path without the query string, which may hold secrets and is no part of the route. */
function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

// #region fastify-hooks
/** What the Express middleware does, as Fastify hooks, in the same order. */
export function addEdgeHooks(app: FastifyInstance, { logger, verify }: { logger: Logger; verify: TokenVerifier }) {
  // One callback-style hook, not two async ones: each async hook costs a promise per request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    // The rest of the request's lifecycle runs in the id's context.
    runWithRequestId(request.id, () => {
      try {
        request.caller = verify(request.headers.authorization); // before any body is read
        assertReadableBody(request.headers);
      } catch (error) {
        return done(error as Error);
      }
      done();
    });
  });
  // The same helmet headers Express sends, on every reply Fastify sends, errors included: worked
  // out once, so each reply copies a list instead of running helmet's middlewares on the raw response.
  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.headers(SECURITY_HEADERS);
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    logger.info('request', {
      requestId: request.id,
      method: request.method,
      path: pathOf(request.url),
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    });
    // Stryker disable next-line CallExpression: the reply is already sent; Fastify waits on nothing after onResponse
    done();
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(routeNotFound(request.method, pathOf(request.url), request.id)),
  );
  app.setErrorHandler((error, request, reply) => {
    const mapped = toHttpError(error, request.id);
    logHttpError(logger, mapped, error, { requestId: request.id, method: request.method, path: pathOf(request.url) });
    return reply
      .code(mapped.status)
      .headers(mapped.headers ?? {})
      .send(mapped.body);
  });
}
// #endregion fastify-hooks
