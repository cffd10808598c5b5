import { createHash } from 'node:crypto';

/** Names longer than this end in a digest of the whole: a crawl can capture URLs of any length. */
const MAX_NAME_BYTES = 1024;

/** A character of the ASCII range as a URL escapes it: `%5C` for a backslash. */
export function percentEncoded(char: string): string {
  return `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
}

function decodeSegment(segment: string): string {
  try {
    // A `/` sent encoded stays encoded, or it would split the segment in two; so do a backslash
    // and control characters, which no bundle name may hold.
    return decodeURIComponent(segment).replace(
      // eslint-disable-next-line no-control-regex
      /[/\\\u0000-\u001f\u007f]/g,
      percentEncoded,
    );
  } catch {
    return segment;
  }
}

/**
 * Where a captured URL lives in a bundle: the host (with the port when not the scheme's own),
 * then the path decoded, `index.html` for a path ending in `/`, and the query with its
 * parameters in sorted order after a literal `?` (links write it `%3F`). http and https share a
 * path: an archive often holds both captures of one site. Undefined for other schemes.
 */
export function capturePath(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  const segments = parsed.pathname.split('/').slice(1).map(decodeSegment);
  if (segments.at(-1) === '') segments[segments.length - 1] = 'index.html';
  const path = segments.filter((segment) => segment !== '').join('/');
  const query = new URLSearchParams(parsed.search);
  query.sort();
  const search = query.toString();
  const name = `${parsed.host}/${path}${search ? `?${search}` : ''}`;
  if (Buffer.byteLength(name) <= MAX_NAME_BYTES) return name;
  const digest = createHash('sha256').update(name).digest('hex').slice(0, 16);
  return `${Buffer.from(name)
    .subarray(0, MAX_NAME_BYTES / 2)
    .toString('utf8')
    .replace(/\uFFFD$/, '')}~${digest}`;
}

/** Query parameters sites add only to defeat caches (`style.css?ver=5.2`, `app.js?_=1559539894`). */
const CACHE_BUSTING = new Set([
  '_',
  '__v',
  '_t',
  '_v',
  'bust',
  'cache',
  'cachebust',
  'cachebuster',
  'cb',
  'nocache',
  'rand',
  'random',
  'rev',
  'rnd',
  't',
  'time',
  'timestamp',
  'ts',
  'v',
  'ver',
  'version',
]);

const LOADED_FILE = /\.(css|js|mjs|json|woff2?|ttf|otf|eot|png|jpe?g|gif|svg|webp|avif|ico|bmp)$/i;

/**
 * A capture path of a style sheet, script, font or image without its cache-busting parameters,
 * and without any whose value is a Unix time (ten or thirteen digits): a page links `app.js?v=3`
 * where `app.js?v=2` was captured.
 */
export function withoutCacheBusting(path: string): string {
  const mark = path.indexOf('?');
  // Only for what a page loads: for a page itself, `?t=` or `?v=` names another page (a topic, a video).
  if (mark < 0 || !LOADED_FILE.test(path.slice(0, mark))) return path;
  const query = new URLSearchParams(path.slice(mark + 1));
  const kept = [...query].filter(
    ([name, value]) => !CACHE_BUSTING.has(name.toLowerCase()) && !/^\d{10}(\d{3})?$/.test(value),
  );
  const rest = new URLSearchParams(kept).toString();
  return rest ? `${path.slice(0, mark)}?${rest}` : path.slice(0, mark);
}
