import type { Express, Request, Response } from 'express';
import type { SearchResults } from '../../search/searcher.js';
import type { AppContext } from '../context.js';
import { entryPath, HttpError, integer, sendHtml, single, uiOf } from '../http.js';
import { searchCode, type LibraryBundle } from '../library-bundle.js';
import { escapeHtml } from '../../search/snippet.js';
import { fill } from '../i18n/strings.js';
import { layout, viewerUrl } from '../pages/layout.js';
import { filtersOf, libraryPage } from '../pages/library-page.js';
import { searchPage } from '../pages/search-page.js';
import { viewerPage } from '../pages/viewer-page.js';

export interface SearchRequest {
  results: SearchResults;
  limit: number;
  item?: LibraryBundle | undefined;
  /** Bundles left out because their files are being replaced. */
  unavailable: string[];
}

/** Reads q, bundle, limit and offset, and searches one bundle or the whole library. */
export async function runSearch(context: AppContext, request: Request, response: Response): Promise<SearchRequest> {
  const t = uiOf(request).t;
  if (!context.searchLimiter.allow(request.ip ?? 'unknown')) {
    response.setHeader('Retry-After', '1');
    throw new HttpError(429, t.tooManySearches);
  }
  const query = (single(request.query.q) ?? '').slice(0, 500);
  const name = single(request.query.bundle);
  const item = name ? await context.bundleOf(name, response) : undefined;
  const limit = integer(request.query.limit, 10, 100) || 10;
  const offset = integer(request.query.offset, 0, 10_000);
  const items = item ? [item] : await context.bundles(response);
  const [{ searchAll }, searchers] = await Promise.all([
    searchCode(),
    Promise.all(items.map((each) => each.searcher())),
  ]);
  let timer: NodeJS.Timeout | undefined;
  const tooSlow = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HttpError(503, t.searchTooSlow)), context.searchTimeoutMs);
  });
  try {
    const results = await Promise.race([searchAll(searchers, query, { offset, limit }), tooSlow]).catch(
      async (error: unknown) => {
        // Bytes that failed to read because a file was being copied over say 503, not "damaged".
        await context.checkUnchanged(items);
        throw error;
      },
    );
    await context.checkUnchanged(items);
    return { results, limit, item, unavailable: (response.locals.unavailable as string[] | undefined) ?? [] };
  } finally {
    clearTimeout(timer);
  }
}

/** The pages people read: library, viewer, search results, random page. All work without JavaScript. */
export function pageRoutes(app: Express, context: AppContext): void {
  const pageOptions = (request: Request) => ({ ui: uiOf(request), assetVersions: context.assetVersions });

  app.get('/', async (request, response) => {
    sendHtml(request, response, libraryPage(await context.listed(), filtersOf(request.query), pageOptions(request)));
  });

  app.get('/viewer/:bundle/{*path}', async (request, response) => {
    const item = await context.bundleOf(request.params.bundle, response);
    const path = entryPath(request.params.path) || item.manifest.mainPage;
    const record = await item.bundle.resolveContent(path.endsWith('/') ? path + 'index.html' : path);
    const section = single(request.query.section)?.slice(0, 500);
    sendHtml(request, response, viewerPage(item, path, pageOptions(request), section), record ? 200 : 404);
  });

  app.get('/viewer/:bundle', async (request, response) => {
    const item = await context.bundleOf(request.params.bundle, response);
    response.redirect(302, viewerUrl(item.name, item.manifest.mainPage));
  });

  app.get('/search', async (request, response) => {
    const { results, limit, item, unavailable } = await runSearch(context, request, response);
    const bundle = item && { name: item.name, title: item.manifest.metadata.title };
    const labelBundles = !item && context.library.list().length > 1;
    const page = { ...pageOptions(request), results, limit, bundle, labelBundles, unavailable };
    sendHtml(request, response, searchPage(page));
  });

  app.get('/external', (request, response) => {
    const ui = uiOf(request);
    const url = (single(request.query.url) ?? '').slice(0, 2000);
    const safe = /^https?:\/\//i.test(url) ? url : '';
    const t = ui.t;
    const body = `<main class="external"><h1>${escapeHtml(t.externalTitle)}</h1><p dir="auto">${escapeHtml(fill(t.externalExplanation, { url: safe || url }))}</p>${
      safe
        ? `<p><a href="${escapeHtml(safe)}" rel="noreferrer noopener" target="_top">${escapeHtml(t.externalOpenAnyway)}</a></p>`
        : ''
    }<p><a class="go-back" href="/">${escapeHtml(t.goBack)}</a> · <a href="/">${escapeHtml(t.backToLibrary)}</a></p></main>`;
    sendHtml(request, response, layout({ ...pageOptions(request), title: t.externalTitle, body }));
  });

  app.get('/random', async (request, response) => {
    // Chosen from the listing, then only that bundle opened: not every bundle of the library.
    const random = (listed: { name: string }[]) => listed[Math.floor(Math.random() * listed.length)]?.name;
    const name = single(request.query.bundle) ?? random(await context.listed());
    if (name === undefined) throw new HttpError(503, uiOf(request).t.bundleBeingReplaced);
    const item = await context.bundleOf(name, response);
    response.setHeader('Cache-Control', 'no-store');
    response.redirect(302, viewerUrl(item.name, await (await item.searcher()).randomPage()));
  });
}
