import type { RequestHandler } from 'express';
import helmet from 'helmet';

// #region helmet
/**
 * helmet's defaults (HSTS, nosniff, frame-ancestors, no X-Powered-By, ...) plus the Q&A's
 * Content-Security-Policy. helmet merges these directives into its defaults, so
 * `object-src 'none'` and `frame-ancestors 'self'` stay. The Q&A's `'unsafe-inline'` for styles
 * is left out: this API serves no HTML, and inline styles are an injection foothold.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'"],
        scriptSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'https:'],
      },
    },
  });
}
// #endregion helmet
