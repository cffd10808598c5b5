/**
 * The character encoding of a text entry, found at pack time and kept in its media type
 * (`text/html; charset=windows-1252`), so the server sends what the bytes are and a reader decodes
 * them right. A page keeps its bytes as they were; only the label is ours. Portable: the
 * standalone reader decodes with it too.
 */

const TEXT_TYPE = /^(text\/|application\/(xhtml\+xml|javascript|ecmascript|json|xml)$|image\/svg\+xml$)/;
const HEAD_BYTES = 1024;

/** The type without its parameters, lower case: `text/html` of `text/html; charset=utf-8`. */
export function essence(mediaType: string): string {
  return mediaType.split(';')[0]!.trim().toLowerCase();
}

/** The charset parameter of a media type, when it has one. */
export function charsetParameter(mediaType: string): string | undefined {
  return /;\s*charset\s*=\s*"?([\w.:-]+)"?/i.exec(mediaType)?.[1]?.toLowerCase();
}

/** The WHATWG name of an encoding label (`latin1` is `windows-1252`), or undefined when unknown. */
function canonical(label: string | undefined): string | undefined {
  if (!label) return undefined;
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return undefined;
  }
}

function byteOrderMark(data: Uint8Array): string | undefined {
  if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) return 'utf-8';
  if (data[0] === 0xfe && data[1] === 0xff) return 'utf-16be';
  if (data[0] === 0xff && data[1] === 0xfe) return 'utf-16le';
  return undefined;
}

function latin1(data: Uint8Array, length: number): string {
  let text = '';
  for (let i = 0; i < Math.min(length, data.length); i++) text += String.fromCharCode(data[i]!);
  return text;
}

/** What the file says of itself: a <meta> of a page, an XML declaration, a stylesheet's @charset. */
function declared(data: Uint8Array, type: string): string | undefined {
  const head = latin1(data, HEAD_BYTES);
  if (type === 'text/css') return /^@charset\s+"([^"]+)"/i.exec(head)?.[1];
  const xml = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)/i.exec(head)?.[1];
  if (type !== 'text/html' && type !== 'application/xhtml+xml') return xml;
  return /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head)?.[1] ?? xml;
}

function isAscii(data: Uint8Array): boolean {
  for (let i = 0; i < data.length; i++) if (data[i]! > 0x7f) return false;
  return true;
}

function isUtf8(data: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(data);
    return true;
  } catch {
    return false;
  }
}

/**
 * The encoding the bytes are in: a byte-order mark decides; else bytes that are valid UTF-8 (and
 * not plain ASCII) are UTF-8 whatever the file declares, since a declaration that lies is common
 * (a page saved again as UTF-8 under its old <meta>) and UTF-8 does not happen by chance; else
 * the declared encoding; else windows-1252, what browsers assume of old pages.
 */
export function detectCharset(data: Uint8Array, mediaType: string): string {
  const bom = byteOrderMark(data);
  if (bom) return bom;
  const label = canonical(declared(data, essence(mediaType)));
  if (isAscii(data)) return label && label !== 'utf-16le' && label !== 'utf-16be' ? label : 'utf-8';
  if (isUtf8(data)) return 'utf-8';
  return label && label !== 'utf-8' ? label : 'windows-1252';
}

/** The media type with the charset of its bytes, for text; other types as they are. */
export function withCharset(mediaType: string, data: Uint8Array): string {
  if (!TEXT_TYPE.test(essence(mediaType)) || charsetParameter(mediaType)) return mediaType;
  return `${essence(mediaType)}; charset=${detectCharset(data, mediaType)}`;
}

/** The text of an entry, decoded with its charset (or, for entries packed before it was kept, as found). */
export function decodeText(data: Uint8Array, mediaType: string): string {
  const charset = canonical(charsetParameter(mediaType)) ?? detectCharset(data, mediaType);
  return new TextDecoder(charset).decode(data);
}
