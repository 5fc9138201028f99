import helmet from 'helmet';

// #region security-headers
/**
 * One helmet configuration, the one list of security headers both frameworks send. Its defaults
 * hold for HSTS (a year, subdomains) and Referrer-Policy (no-referrer); a JSON API loads nothing
 * and is framed by no one, so its CSP allows nothing.
 */
export function securityHeaders() {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    xFrameOptions: { action: 'deny' }, // for browsers that predate frame-ancestors
  });
}
// #endregion security-headers
