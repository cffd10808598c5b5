import type { Request, Response } from 'express';
import { gzipSync } from 'node:zlib';
import { nameProblem } from '../bundle/names.js';
import { chooseUi, type Ui } from './i18n/choose.js';
import { acceptsGzip } from './send-entry.js';

/** An HTTP error with the status to answer and a message fit to show; a 3xx carries where to go. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly location?: string,
  ) {
    super(message);
  }
}

export function single(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function integer(value: unknown, fallback: number, max: number): number {
  const parsed = Number.parseInt(single(value) ?? '', 10);
  return Number.isFinite(parsed) && parsed >= 0 ? Math.min(parsed, max) : fallback;
}

/** Joins the wildcard segments and refuses names no bundle can hold (`..`, NUL, …). */
export function entryPath(segments: unknown): string {
  const path = Array.isArray(segments) ? segments.join('/') : '';
  if (path !== '' && nameProblem(path.endsWith('/') ? path.slice(0, -1) : path)) {
    throw new HttpError(400, 'This path is not allowed.');
  }
  return path;
}

/** The interface language for this request, from its Accept-Language header. */
export function uiOf(request: Request): Ui {
  return chooseUi(request.headers['accept-language']);
}

/** Sends a generated page, gzipped when the client takes it; it varies with language and encoding. */
export function sendGenerated(request: Request, response: Response, body: string, type: string, status = 200): void {
  response.status(status).setHeader('Content-Type', type);
  response.setHeader('Cache-Control', 'no-cache');
  response.setHeader('Vary', 'Accept-Encoding, Accept-Language');
  if (acceptsGzip(request) && body.length > 1024) {
    response.setHeader('Content-Encoding', 'gzip');
    response.end(request.method === 'HEAD' ? undefined : gzipSync(body));
  } else {
    response.end(request.method === 'HEAD' ? undefined : body);
  }
}

export function sendHtml(request: Request, response: Response, html: string, status = 200): void {
  sendGenerated(request, response, html, 'text/html; charset=utf-8', status);
}
