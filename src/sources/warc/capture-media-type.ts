import { essence } from '../../pack/charset.js';
import { mediaTypeOf, sniff } from '../../pack/media-type.js';

/** Types that say nothing of the bytes: the bytes and the name decide. */
const UNTELLING = new Set([
  '',
  'application/octet-stream',
  'binary/octet-stream',
  'application/unknown',
  'unknown/unknown',
]);

/**
 * The media type of a capture: the one its server sent, parameters and all, unless the bytes
 * say otherwise (a PNG sent as text/html, an image sent as octet-stream). With none sent, or one
 * that says nothing, the bytes and then the URL's file name decide.
 */
export function captureMediaType(sent: string | undefined, path: string, body: Buffer): string {
  const head = body.subarray(0, 512);
  const sniffed = sniff(head);
  const declared = essence(sent ?? '');
  if (UNTELLING.has(declared) || !declared.includes('/')) return mediaTypeOf(path.replace(/\?.*$/s, ''), body);
  // Markup sniffs as HTML whatever the server meant (XHTML, XML, a fragment): only binary signatures overrule.
  if (sniffed && sniffed !== 'text/html' && sniffed !== 'image/svg+xml' && sniffed !== declared) return sniffed;
  return sent!.trim();
}
