import type { NextFunction, Request, Response } from 'express';

/**
 * The server's own pages run only the server's own script and style, load nothing from
 * elsewhere, and may be framed only by the server itself. Bundle content replaces this policy
 * with its own (see routes/content.ts).
 */
export const UI_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "frame-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

/** Headers every answer carries: a LAN library tells outside sites nothing and is framed by nobody else. */
export function securityHeaders(_request: Request, response: Response, next: NextFunction): void {
  setSecurityHeaders(response);
  next();
}

export function setSecurityHeaders(response: Response): void {
  response.setHeader('Content-Security-Policy', UI_POLICY);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('X-Frame-Options', 'SAMEORIGIN');
}
