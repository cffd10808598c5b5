import type { Response } from 'express';
import { changedError } from '../bundle/byte-source.js';
import { EntryCache } from './entry-cache.js';
import { MadeMetalinks } from './made-metalinks.js';
import { RateLimiter } from './rate-limit.js';
import { HttpError, single } from './http.js';
import type { Library, LibraryBundle } from './library.js';
import { loadViewerAssets, type ViewerAsset } from './viewer-assets.js';

/** Memory for hot pages: small enough for a Raspberry Pi, large enough for a school's favourites. */
const ENTRY_CACHE_ITEM_BYTES = 4 * 1024 * 1024;
const DEFAULT_SEARCH_RATE = 10;
const DEFAULT_SEARCH_TIMEOUT_MS = 10_000;
/** Answers over every bundle look for files moved in at most this often; one bundle's, every time. */
const LISTING_PATH_CHECK_MS = 1000;

export interface AppOptions {
  /** Searches per second allowed to one client after a burst of twice as many; 0 turns the limit off. */
  searchRate?: number;
  /** A search that takes longer is answered 503. */
  searchTimeoutMs?: number;
  /** Where each answer's access-log line goes (`ferry serve --log`); none when absent. */
  accessLog?: (line: string) => void;
  /** Where Metalinks made for unpublished bundles are kept between starts; in memory only when absent. */
  cacheFolder?: string;
}

/** What every route group shares: the library, the entry cache and the viewer's files. */
export interface AppContext {
  library: Library;
  searchLimiter: RateLimiter;
  searchTimeoutMs: number;
  cache: EntryCache;
  assets: Map<string, ViewerAsset>;
  metalinks: MadeMetalinks;
  assetVersions: Record<string, string>;
  /**
   * The bundle named in a request as it is on disk now, held open until the response is done;
   * 404 when there is none, a redirect when it was renamed by a new edition, 503 while it is
   * being replaced.
   */
  bundleOf(name: unknown, response: Response): Promise<LibraryBundle>;
  /**
   * Every bundle that can be read now, each held open until the response is done; the names of
   * those being replaced are left in `response.locals.unavailable`.
   */
  bundles(response: Response): Promise<LibraryBundle[]>;
  /** Every bundle as the disk has it now, for answers that need only manifests: none is opened. */
  listed(): Promise<LibraryBundle[]>;
  /**
   * Throws BUNDLE_CHANGED if a bundle's file changed while an answer was read from it: reads in
   * place (search shards, titles) are checked once, so a copy over the file shows only here.
   */
  checkUnchanged(items: LibraryBundle[]): Promise<void>;
}

/** The same request with the bundle's new name: in the path, or in ?bundle=. */
function renamedUrl(originalUrl: string, from: string, to: string): string | undefined {
  const url = new URL(originalUrl, 'http://host');
  const segments = url.pathname.split('/');
  const at = segments.findIndex((segment, i) => i > 0 && segment === encodeURIComponent(from));
  if (at > 0) segments[at] = encodeURIComponent(to);
  else if (url.searchParams.get('bundle') === from) url.searchParams.set('bundle', to);
  else return undefined;
  url.pathname = segments.join('/');
  return url.pathname + url.search;
}

function moved(response: Response, from: string, to: string): HttpError {
  const location = renamedUrl(response.req.originalUrl, from, to);
  return location
    ? new HttpError(302, `"${from}" is now "${to}".`, location)
    : new HttpError(404, `There is no bundle named "${from}" in this library; it is now "${to}".`);
}

/**
 * Lets go of bundles held for a response once it is done: a response closes when it is sent or
 * its client is gone. One that closed already (a client gone while we looked at the disk) would
 * never call a listener added now. (Not stream.finished: its checks cost a page load a tenth.)
 */
function releaseWhenDone(library: Library, items: LibraryBundle[], response: Response): void {
  const release = () => items.forEach((item) => library.release(item));
  if (response.closed) return release();
  // One listener for all: one per bundle made Node warn of a leak on a library of a dozen.
  response.once('close', release);
}

export function createContext(library: Library, options: AppOptions = {}): AppContext {
  const assets = loadViewerAssets();
  return {
    library,
    searchLimiter: new RateLimiter(options.searchRate ?? DEFAULT_SEARCH_RATE),
    searchTimeoutMs: options.searchTimeoutMs ?? DEFAULT_SEARCH_TIMEOUT_MS,
    cache: new EntryCache(ENTRY_CACHE_ITEM_BYTES),
    assets,
    metalinks: new MadeMetalinks(options.cacheFolder),
    assetVersions: Object.fromEntries([...assets].map(([file, asset]) => [file, asset.etag.replace(/"/g, '')])),
    async bundleOf(name, response) {
      const wanted = single(name) ?? '';
      const listed = library.get(wanted);
      if (!listed) {
        const now = library.renamedTo(wanted);
        if (now) throw moved(response, wanted, now);
        throw new HttpError(404, `There is no bundle named "${wanted}" in this library.`);
      }
      const item = await library.hold(listed);
      releaseWhenDone(library, [item], response);
      if (item.name !== wanted) throw moved(response, wanted, item.name);
      response.locals.bundle = item;
      return item;
    },
    async bundles(response) {
      // A bundle being replaced, or that cannot be opened now, is left out of library-wide
      // answers instead of failing them.
      const listed = library.list();
      const items = await Promise.all(
        listed.map((item) => library.hold(item, LISTING_PATH_CHECK_MS).catch(() => undefined)),
      );
      const held = items.filter((item): item is LibraryBundle => item !== undefined);
      releaseWhenDone(library, held, response);
      response.locals.unavailable = listed.filter((_, i) => items[i] === undefined).map((item) => item.name);
      return held.filter((item) => !item.retired);
    },
    async listed() {
      const items = await Promise.all(
        // A bundle whose new file cannot be read yet is listed as it was.
        library.list().map((item) => library.current(item, LISTING_PATH_CHECK_MS).catch(() => item)),
      );
      return items.filter((item) => !item.retired);
    },
    async checkUnchanged(items) {
      for (const item of items) {
        if (await item.bundle.source.changed?.()) throw changedError(item.file);
      }
    },
  };
}
