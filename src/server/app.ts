import express, { type NextFunction, type Request, type Response } from 'express';
import { describeError, FerryError } from '../errors.js';
import { escapeHtml } from '../search/snippet.js';
import { createContext, type AppOptions } from './context.js';
import { HttpError, sendHtml, uiOf } from './http.js';
import type { Library } from './library.js';
import { layout } from './pages/layout.js';
import { apiRoutes } from './routes/api.js';
import { assetRoutes } from './routes/assets.js';
import { catalogRoutes } from './routes/catalog.js';
import { contentRoutes } from './routes/content.js';
import { pageRoutes } from './routes/pages.js';
import { setSecurityHeaders, securityHeaders } from './security-headers.js';
import type { LibraryBundle } from './library.js';

export { HttpError } from './http.js';

/** What describes an answer's body, to be dropped when an error page takes its place. */
const ANSWER_HEADERS = [
  'Content-Length',
  'Content-Encoding',
  'Content-Range',
  'Content-Type',
  'Content-Disposition',
  'Accept-Ranges',
  'ETag',
  'Cache-Control',
  'Vary',
];

/**
 * Our own errors carry a status; express's (a bad %-encoding, say) carry `status` in 4xx. A bundle
 * being replaced is 503: the answer will be right again once the copy is done.
 */
function statusOf(error: unknown): number {
  if (error instanceof HttpError) return error.status;
  if (error instanceof FerryError && error.code === 'BUNDLE_CHANGED') return 503;
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 500;
}

/** The express app for a library, without listening: tests mount it, `ferry serve` listens. */
export function createApp(library: Library, options: AppOptions = {}): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const context = createContext(library, options);
  app.use(securityHeaders);
  // The server only reads: anything but GET and HEAD is refused before any route sees it.
  app.use((request, response, next) => {
    if (request.method === 'GET' || request.method === 'HEAD') return next();
    response.setHeader('Allow', 'GET, HEAD');
    next(new HttpError(405, 'This server is read-only.'));
  });
  assetRoutes(app, context);
  contentRoutes(app, context);
  pageRoutes(app, context);
  apiRoutes(app, context);
  catalogRoutes(app, context);

  app.use(() => {
    throw new HttpError(404, 'There is nothing at this address.');
  });

  app.use(async (error: unknown, request: Request, response: Response, _next: NextFunction) => {
    if (error instanceof HttpError && error.location) return void response.redirect(error.status, error.location);
    // Damaged bytes read from a file copied over in place are the copy's doing, not rot: 503.
    const item = response.locals.bundle as LibraryBundle | undefined;
    const replaced = item && statusOf(error) === 500 && (await item.bundle.source.changed?.());
    const status = replaced ? 503 : statusOf(error);
    if (status >= 500) console.error(`ferry: ${request.method} ${request.originalUrl}: ${describeError(error)}`);
    if (response.headersSent) {
      // The body is already on its way: cut the connection so no client takes it as complete.
      response.destroy();
      return;
    }
    // Headers set for the answer that failed (its length, encoding, ETag) must not describe this one.
    for (const name of ANSWER_HEADERS) response.removeHeader(name);
    setSecurityHeaders(response);
    if (status === 503) response.setHeader('Retry-After', '5');
    const message = replaced
      ? `${item.name} is being replaced. Try again in a moment.`
      : error instanceof HttpError || error instanceof FerryError
        ? error.message
        : status < 500
          ? 'This request is not valid.'
          : 'The server failed to answer this request.';
    if (request.path.startsWith('/api/')) {
      response.status(status).json({ error: message });
      return;
    }
    const ui = uiOf(request);
    const heading = status === 404 ? ui.t.notFound : ui.t.error;
    const body = `<main class="error"><h1>${escapeHtml(heading)}</h1><p>${escapeHtml(message)}</p><p><a href="/">${escapeHtml(ui.t.backToLibrary)}</a></p></main>`;
    sendHtml(request, response, layout({ ui, assetVersions: context.assetVersions, title: heading, body }), status);
  });
  return app;
}
