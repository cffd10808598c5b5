import type { NextFunction, Request, Response } from 'express';
import { describeError, FerryError } from '../errors.js';
import { escapeHtml } from '../search/snippet.js';
import type { AppContext } from './context.js';
import { isFrameRequest } from './frame-shim.js';
import { HttpError, sendHtml, uiOf } from './http.js';
import type { LibraryBundle } from './library.js';
import { layout } from './pages/layout.js';
import { setSecurityHeaders } from './security-headers.js';

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
  if (error instanceof FerryError && (error.code === 'BUNDLE_CHANGED' || error.code === 'SERVER_BUSY')) return 503;
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 500;
}

function isDamage(error: unknown): boolean {
  return error instanceof FerryError && (error.code === 'ENTRY_DAMAGED' || error.code === 'BUNDLE_CORRUPT');
}

/**
 * Answers a failed request: a redirect for a renamed bundle, else a page (or JSON under /api/)
 * that says what went wrong in the reader's language. Damage is told to readers plainly and
 * logged in full (bundle file and entry) for whoever keeps the library.
 */
export function errorHandler(context: AppContext) {
  return async (error: unknown, request: Request, response: Response, _next: NextFunction): Promise<void> => {
    if (error instanceof HttpError && error.location) return void response.redirect(error.status, error.location);
    // Damaged bytes read from a file copied over in place are the copy's doing, not rot: 503.
    const item = response.locals.bundle as LibraryBundle | undefined;
    const changed = error instanceof FerryError && error.code === 'BUNDLE_CHANGED';
    const replaced = changed || (item?.isOpen && statusOf(error) === 500 && (await item.bundle.source.changed?.()));
    const status = replaced ? 503 : statusOf(error);
    if (status >= 500) console.error(`ferry: ${request.method} ${request.originalUrl}: ${describeError(error)}`);
    if (response.headersSent) {
      // The body is already on its way: cut the connection so no client takes it as complete.
      response.destroy();
      return;
    }
    for (const name of ANSWER_HEADERS) response.removeHeader(name);
    setSecurityHeaders(response);
    if (status === 503) response.setHeader('Retry-After', '5');
    const ui = uiOf(request);
    const message = replaced
      ? ui.t.bundleBeingReplaced
      : isDamage(error)
        ? ui.t.damaged
        : error instanceof HttpError || error instanceof FerryError
          ? error.message
          : status < 500
            ? 'This request is not valid.'
            : 'The server failed to answer this request.';
    if (request.path.startsWith('/api/')) {
      response.status(status).json({ error: message });
      return;
    }
    const heading = status === 404 ? ui.t.notFound : ui.t.error;
    const text = `<main class="error"><h1>${escapeHtml(heading)}</h1><p>${escapeHtml(message)}</p>`;
    // Inside the viewer's frame the viewer already shows the top bar: the error alone, then.
    const body = isFrameRequest(request.headers)
      ? `${text}</main>`
      : `${text}<p><a href="/">${escapeHtml(ui.t.backToLibrary)}</a></p></main>`;
    const page = layout({
      ui,
      assetVersions: context.assetVersions,
      title: heading,
      body,
      bare: isFrameRequest(request.headers),
    });
    sendHtml(request, response, page, status);
  };
}
