import express, { type NextFunction, type Request, type Response } from 'express';
import { gzipSync } from 'node:zlib';
import { ILLUSTRATION_NAME, nameProblem } from '../bundle/names.js';
import { FerryError, describeError } from '../errors.js';
import { searchAll, type SearchResults } from '../search/searcher.js';
import { escapeHtml } from '../search/snippet.js';
import type { Library, LibraryBundle } from './library.js';
import { contentUrl, layout, viewerUrl } from './pages/layout.js';
import { libraryPage } from './pages/library-page.js';
import { searchPage } from './pages/search-page.js';
import { viewerPage } from './pages/viewer-page.js';
import { sendBundleFile } from './download.js';
import { EntryCache } from './entry-cache.js';
import { acceptsGzip, sendEntry } from './send-entry.js';
import { loadViewerAssets } from './viewer-assets.js';

/** Memory for hot pages: small enough for a Raspberry Pi, large enough for a school's favourites. */
const ENTRY_CACHE_BYTES = 32 * 1024 * 1024;
const ENTRY_CACHE_ITEM_BYTES = 4 * 1024 * 1024;

/** An HTTP error with the status to answer and a message fit to show. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function single(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function integer(value: unknown, fallback: number, max: number): number {
  const parsed = Number.parseInt(single(value) ?? '', 10);
  return Number.isFinite(parsed) && parsed >= 0 ? Math.min(parsed, max) : fallback;
}

/** Joins the wildcard segments and refuses names no bundle can hold (`..`, NUL, …). */
function entryPath(segments: unknown): string {
  const path = Array.isArray(segments) ? segments.join('/') : '';
  if (path !== '' && nameProblem(path.endsWith('/') ? path.slice(0, -1) : path)) {
    throw new HttpError(400, 'This path is not allowed.');
  }
  return path;
}

function sendHtml(request: Request, response: Response, html: string, status = 200): void {
  response.status(status).setHeader('Content-Type', 'text/html; charset=utf-8');
  response.setHeader('Cache-Control', 'no-cache');
  response.setHeader('Vary', 'Accept-Encoding');
  if (acceptsGzip(request) && html.length > 1024) {
    response.setHeader('Content-Encoding', 'gzip');
    response.end(gzipSync(html));
  } else {
    response.end(html);
  }
}

/** The express app for a library, without listening: tests mount it, `ferry serve` listens. */
export function createApp(library: Library): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const assets = loadViewerAssets();
  const cache = new EntryCache(ENTRY_CACHE_BYTES, ENTRY_CACHE_ITEM_BYTES);

  const bundleOf = (name: unknown): LibraryBundle => {
    const item = library.get(single(name) ?? '');
    if (!item) throw new HttpError(404, `There is no bundle named "${String(name)}" in this library.`);
    return item;
  };

  app.get('/', (request, response) => sendHtml(request, response, libraryPage(library.list())));

  app.get('/_ferry/:file', (request, response) => {
    const asset = assets.get(request.params.file);
    if (!asset) throw new HttpError(404, 'No such file.');
    response.setHeader('Content-Type', asset.type);
    response.setHeader('ETag', asset.etag);
    response.setHeader('Cache-Control', 'public, max-age=86400');
    response.setHeader('Vary', 'Accept-Encoding');
    if (request.headers['if-none-match'] === asset.etag) return void response.status(304).end();
    const gzip = acceptsGzip(request);
    if (gzip) response.setHeader('Content-Encoding', 'gzip');
    response.end(gzip ? asset.gzip : asset.body);
  });

  app.get('/_ferry/illustration/:bundle', async (request, response) => {
    const item = bundleOf(request.params.bundle);
    const record = await item.bundle.resolve(ILLUSTRATION_NAME);
    if (!record) throw new HttpError(404, 'This bundle has no illustration.');
    await sendEntry(request, response, item.bundle, record, cache);
  });

  app.get('/content/:bundle/{*path}', async (request, response) => {
    const item = bundleOf(request.params.bundle);
    const path = entryPath(request.params.path);
    if (path === '') return void response.redirect(302, contentUrl(item.name, item.bundle.manifest.mainPage));
    const wanted = path.endsWith('/') ? path + 'index.html' : path;
    const record = await item.bundle.resolveContent(wanted);
    if (record) return sendEntry(request, response, item.bundle, record, cache);
    // A folder asked without its slash: send the browser to the slash so relative links work.
    if (!path.endsWith('/') && (await item.bundle.resolveContent(path + '/index.html'))) {
      const last = path.split('/').pop()!;
      return void response.redirect(301, encodeURIComponent(last) + '/');
    }
    throw new HttpError(404, `"${path}" is not in ${item.bundle.manifest.metadata.title}.`);
  });

  app.get('/viewer/:bundle/{*path}', async (request, response) => {
    const item = bundleOf(request.params.bundle);
    const path = entryPath(request.params.path) || item.bundle.manifest.mainPage;
    const record = await item.bundle.resolveContent(path.endsWith('/') ? path + 'index.html' : path);
    sendHtml(request, response, viewerPage(item, path), record ? 200 : 404);
  });

  app.get(['/viewer/:bundle', '/content/:bundle'], (request, response) => {
    const item = bundleOf(request.params.bundle);
    response.redirect(302, viewerUrl(item.name, item.bundle.manifest.mainPage));
  });

  app.get('/random', async (request, response) => {
    const name = single(request.query.bundle);
    const items = name ? [bundleOf(name)] : library.list();
    const item = items[Math.floor(Math.random() * items.length)]!;
    response.setHeader('Cache-Control', 'no-store');
    response.redirect(302, viewerUrl(item.name, await item.searcher.randomPage()));
  });

  const runSearch = async (
    request: Request,
  ): Promise<{ results: SearchResults; limit: number; item?: LibraryBundle }> => {
    const query = (single(request.query.q) ?? '').slice(0, 500);
    const name = single(request.query.bundle);
    const item = name ? bundleOf(name) : undefined;
    const limit = integer(request.query.limit, 10, 100) || 10;
    const offset = integer(request.query.offset, 0, 10_000);
    const searchers = item ? [item.searcher] : library.list().map((each) => each.searcher);
    const results = await searchAll(searchers, query, { offset, limit });
    return item ? { results, limit, item } : { results, limit };
  };

  app.get('/api/search', async (request, response) => {
    const { results } = await runSearch(request);
    response.setHeader('Cache-Control', 'no-cache');
    response.json({ ...results, hits: results.hits.map((hit) => ({ ...hit, url: viewerUrl(hit.bundle, hit.path) })) });
  });

  app.get('/api/suggest', async (request, response) => {
    const prefix = (single(request.query.q) ?? '').slice(0, 200);
    const name = single(request.query.bundle);
    const items = name ? [bundleOf(name)] : library.list();
    const limit = integer(request.query.limit, 10, 50) || 10;
    const lists = await Promise.all(
      items.map(async (item) =>
        (await item.searcher.suggest(prefix, limit)).map((found) => ({
          ...found,
          bundle: item.name,
          url: viewerUrl(item.name, found.path),
        })),
      ),
    );
    response.setHeader('Cache-Control', 'public, max-age=300');
    response.json(lists.flat().slice(0, limit));
  });

  app.get('/search', async (request, response) => {
    const { results, limit, item } = await runSearch(request);
    const bundle = item && { name: item.name, title: item.bundle.manifest.metadata.title };
    sendHtml(
      request,
      response,
      searchPage({ results, limit, bundle, labelBundles: !item && library.list().length > 1 }),
    );
  });

  app.get('/api/bundles', (_request, response) => {
    response.json(library.list().map((item) => ({ name: item.name, bytes: item.bytes, ...item.bundle.manifest })));
  });

  app.get('/download/:bundle', async (request, response) => {
    const item = bundleOf(request.params.bundle);
    // The content digest names the bytes served, whether the bundle is one file or parts.
    const etag = `"${item.bundle.manifest.contentDigest.slice(7, 39)}-${item.bytes}"`;
    await sendBundleFile(request, response, item.bundle.source, `${item.name}.ferry`, etag);
  });

  app.use((_request, _response) => {
    throw new HttpError(404, 'There is nothing at this address.');
  });

  app.use((error: unknown, request: Request, response: Response, _next: NextFunction) => {
    const status = error instanceof HttpError ? error.status : 500;
    if (status >= 500) console.error(`ferry: ${request.method} ${request.originalUrl}: ${describeError(error)}`);
    if (response.headersSent) {
      response.destroy();
      return;
    }
    const message =
      error instanceof HttpError || error instanceof FerryError
        ? error.message
        : 'The server failed to answer this request.';
    if (request.path.startsWith('/api/')) {
      response.status(status).json({ error: message });
      return;
    }
    sendHtml(
      request,
      response,
      layout({
        title: 'Not available',
        body: `<main class="error"><h1>${status === 404 ? 'Not found' : 'Error'}</h1><p>${escapeHtml(message)}</p><p><a href="/">Back to the library</a></p></main>`,
      }),
      status,
    );
  });
  return app;
}
