import type { Response } from 'express';
import { EntryCache } from './entry-cache.js';
import { RateLimiter } from './rate-limit.js';
import { HttpError, single } from './http.js';
import type { Library, LibraryBundle } from './library.js';
import { loadViewerAssets, type ViewerAsset } from './viewer-assets.js';

/** Memory for hot pages: small enough for a Raspberry Pi, large enough for a school's favourites. */
const ENTRY_CACHE_BYTES = 32 * 1024 * 1024;
const ENTRY_CACHE_ITEM_BYTES = 4 * 1024 * 1024;
const DEFAULT_SEARCH_RATE = 10;
const DEFAULT_SEARCH_TIMEOUT_MS = 10_000;

export interface AppOptions {
  /** Searches per second allowed to one client after a burst of twice as many; 0 turns the limit off. */
  searchRate?: number;
  /** A search that takes longer is answered 503. */
  searchTimeoutMs?: number;
}

/** What every route group shares: the library, the entry cache and the viewer's files. */
export interface AppContext {
  library: Library;
  searchLimiter: RateLimiter;
  searchTimeoutMs: number;
  cache: EntryCache;
  assets: Map<string, ViewerAsset>;
  assetVersions: Record<string, string>;
  /** The bundle named in a request, held open until the response is done (or 404). */
  bundleOf(name: unknown, response: Response): LibraryBundle;
  /** Every bundle, each held open until the response is done. */
  bundles(response: Response): LibraryBundle[];
}

/** A bundle replaced while a response still reads it stays open until that response ends. */
function holdUntilDone(library: Library, item: LibraryBundle, response: Response): void {
  library.acquire(item);
  response.once('close', () => library.release(item));
}

export function createContext(library: Library, options: AppOptions = {}): AppContext {
  const assets = loadViewerAssets();
  return {
    library,
    searchLimiter: new RateLimiter(options.searchRate ?? DEFAULT_SEARCH_RATE),
    searchTimeoutMs: options.searchTimeoutMs ?? DEFAULT_SEARCH_TIMEOUT_MS,
    cache: new EntryCache(ENTRY_CACHE_BYTES, ENTRY_CACHE_ITEM_BYTES),
    assets,
    assetVersions: Object.fromEntries([...assets].map(([file, asset]) => [file, asset.etag.replace(/"/g, '')])),
    bundleOf(name, response) {
      const item = library.get(single(name) ?? '');
      if (!item) throw new HttpError(404, `There is no bundle named "${String(name)}" in this library.`);
      holdUntilDone(library, item, response);
      return item;
    },
    bundles(response) {
      const items = library.list();
      for (const item of items) holdUntilDone(library, item, response);
      return items;
    },
  };
}
