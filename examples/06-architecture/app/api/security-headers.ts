import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

// #region security-headers
/**
 * One helmet configuration, the one list of security headers both frameworks send. Its defaults
 * hold for HSTS (a year, subdomains) and Referrer-Policy (no-referrer); a JSON API loads nothing
 * and is framed by no one, so its CSP allows nothing.
 */
export function helmetForApi() {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    xFrameOptions: { action: 'deny' }, // for browsers that predate frame-ancestors
  });
}

/**
 * Those headers, worked out once by running helmet against a recorder: none depends on the request,
 * so each response copies a list instead of running helmet's dozen middlewares again.
 */
export function securityHeaderValues(): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string) {
      headers[name.toLowerCase()] = value;
    },
    // Helmet removes X-Powered-By: there is none in a fresh list, and each edge turns it off itself.
    removeHeader() {},
  };
  // Synchronous: helmet 8 sets every header before it calls next (a test compares it with helmet's own answer).
  helmetForApi()({} as IncomingMessage, recorder as unknown as ServerResponse, () => {});
  return headers;
}
// #endregion security-headers

/** For Express: the list on every response (Fastify's hooks copy it onto the reply). */
export function securityHeaders(): RequestHandler {
  const headers = Object.entries(securityHeaderValues());
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}
