import mime from 'mime-types';
import { charsetParameter, essence } from './charset.js';

/** Types that are already compressed: deflating them again wastes time for no bytes (FORMAT.md §1). */
const PRECOMPRESSED = new Set([
  'font/woff',
  'font/woff2',
  'application/zip',
  'application/gzip',
  'application/x-gzip',
  'application/x-bzip2',
  'application/x-xz',
  'application/zstd',
  'application/x-7z-compressed',
  'application/epub+zip',
  'application/x-mobipocket-ebook',
  'application/vnd.amazon.ebook',
  'application/pdf',
  'application/vnd.rar',
  'application/x-rar-compressed',
]);

export function isPrecompressed(mediaType: string): boolean {
  const type = essence(mediaType);
  if (type === 'image/svg+xml' || type === 'image/bmp') return false;
  const top = type.split('/')[0];
  return top === 'image' || top === 'audio' || top === 'video' || PRECOMPRESSED.has(type);
}

const SIGNATURES: [number[], string][] = [
  [[0x89, 0x50, 0x4e, 0x47], 'image/png'],
  [[0xff, 0xd8, 0xff], 'image/jpeg'],
  [[0x47, 0x49, 0x46, 0x38], 'image/gif'],
  [[0x25, 0x50, 0x44, 0x46], 'application/pdf'],
  [[0x50, 0x4b, 0x03, 0x04], 'application/zip'],
  [[0x1f, 0x8b], 'application/gzip'],
  [[0x77, 0x4f, 0x46, 0x32], 'font/woff2'],
  [[0x77, 0x4f, 0x46, 0x46], 'font/woff'],
];

/** Sniffs the few types a mirror commonly saves without a telling extension. */
export function sniff(head: Buffer): string | undefined {
  for (const [signature, type] of SIGNATURES) {
    if (signature.every((byte, i) => head[i] === byte)) return type;
  }
  if (head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP')
    return 'image/webp';
  const text = head
    .subarray(0, 512)
    .toString('latin1')
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
    .trimStart()
    .toLowerCase();
  if (text.startsWith('<!doctype html') || text.startsWith('<html')) return 'text/html';
  if (text.startsWith('<svg') || (text.startsWith('<?xml') && text.includes('<svg'))) return 'image/svg+xml';
  return undefined;
}

/** Extensions the mime-types database lacks. */
const MORE_EXTENSIONS: Record<string, string> = { azw3: 'application/vnd.amazon.ebook' };

/** The media type of a file: by extension where it is known, else by its first bytes. */
export function mediaTypeOf(path: string, data: Buffer): string {
  const byExtension = mime.lookup(path) || MORE_EXTENSIONS[path.slice(path.lastIndexOf('.') + 1).toLowerCase()];
  if (byExtension) return byExtension;
  return sniff(data.subarray(0, 512)) ?? (looksLikeText(data) ? 'text/plain' : 'application/octet-stream');
}

function looksLikeText(data: Buffer): boolean {
  const head = data.subarray(0, 1024);
  return !head.includes(0);
}

export function isHtml(mediaType: string): boolean {
  const type = essence(mediaType);
  return type === 'text/html' || type === 'application/xhtml+xml';
}

/**
 * Content-Type header value: the charset found at pack time when the entry has one. A page of a
 * bundle packed before charsets were kept goes without one, so the browser reads its own <meta>;
 * a blanket UTF-8 would override a Latin-1 page's and show replacement characters.
 */
export function contentTypeHeader(mediaType: string): string {
  if (charsetParameter(mediaType)) return mediaType;
  if (isHtml(mediaType)) return mediaType;
  return mime.contentType(mediaType) || mediaType;
}
