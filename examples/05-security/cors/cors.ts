import cors from 'cors';
import type { RequestHandler } from 'express';

// #region cors
/**
 * Only the listed origins may read responses from a browser, with cookies/credentials. An
 * unlisted origin gets no Access-Control-Allow-Origin header, so the browser hides the
 * response from its script; the request itself is not blocked (CORS is not authentication).
 */
export function corsPolicy(allowedOrigins: readonly string[]): RequestHandler {
  return cors({
    origin: [...allowedOrigins],
    credentials: true,
    methods: ['GET', 'POST'],
    allowedHeaders: ['Content-Type', 'Authorization'],
    maxAge: 600,
  });
}
// #endregion cors

// #region naive-cors
/** The Q&A's "bad" example: `Access-Control-Allow-Origin: *`, any site may read every response. */
export function openCors(): RequestHandler {
  return cors();
}

/**
 * Worse, and common when `*` "does not work with credentials": reflect any Origin and allow
 * credentials, so any site can make logged-in requests and read the answers.
 */
export function unsafeReflectingCors(): RequestHandler {
  return cors({ origin: true, credentials: true });
}
// #endregion naive-cors
