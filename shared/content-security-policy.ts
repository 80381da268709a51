/**
 * The page's Content-Security-Policy, the same in the desktop window and the station: no inline
 * scripts, nothing loaded from elsewhere, and the page talks only to its own origin
 * (in the station, 'self' also covers the same-origin WebSocket).
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
