import { FerryError } from '../errors.js';
import { foldCaseAndAccents } from '../fold.js';

/** Namespaces of a bundle (FORMAT.md §2). */
export const CONTENT_PREFIX = 'content/';
export const MANIFEST_NAME = 'ferry.json';
export const INDEX_NAME = 'ferry/index';
export const ILLUSTRATION_NAME = 'ferry/illustration.png';
/** The zstd dictionary of a compact bundle (FORMAT.md §1.1). */
export const DICTIONARY_NAME = 'ferry/zstd-dictionary';
export const MAX_NAME_BYTES = 4096;

/** The name of search shard `number` (FORMAT.md §5). */
export function shardName(number: number): string {
  return `search/shard-${String(number).padStart(4, '0')}.bin`;
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** Why a name breaks FORMAT.md §2, or undefined when it is valid. */
export function nameProblem(name: string): string | undefined {
  if (name.length === 0) return 'the name is empty';
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) return `the name is longer than ${MAX_NAME_BYTES} bytes`;
  if (name.startsWith('/')) return 'the name is absolute';
  if (name.includes('\\')) return 'the name contains a backslash';
  if (CONTROL_CHARACTER.test(name)) return 'the name contains a control character';
  for (const segment of name.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') return `the name has a "${segment}" segment`;
  }
  return undefined;
}

export function assertValidName(name: string): void {
  const problem = nameProblem(name);
  if (problem) throw new FerryError('INPUT_INVALID', `Cannot store "${name}": ${problem}.`);
}

export function contentName(path: string): string {
  return CONTENT_PREFIX + path;
}

/** Byte order of UTF-8 names, the order of the path index. */
export function compareNames(a: Buffer, b: Buffer): number {
  return Buffer.compare(a, b);
}

/**
 * The same order for strings, without encoding them: UTF-8 byte order is code point order,
 * which differs from UTF-16 unit order only where surrogates meet U+E000–U+FFFF.
 */
export function compareNameStrings(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800) x = x < 0xe000 ? x + 0x2000 : x - 0x800;
    if (y >= 0xd800) y = y < 0xe000 ? y + 0x2000 : y - 0x800;
    return x - y;
  }
  return a.length - b.length;
}

/** Bundle names in URLs and file names: lower case letters, digits, `_`, `.`, `-`. */
export function isValidBundleName(name: string): boolean {
  return /^[a-z0-9][a-z0-9_.-]{0,63}$/.test(name);
}

export function toBundleName(text: string): string {
  const cleaned = foldCaseAndAccents(text)
    .replace(/[^a-z0-9_.-]+/g, '_')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 64)
    .replace(/[_.-]+$/, '');
  return cleaned.length > 0 ? cleaned : 'bundle';
}

/**
 * A redirect's target may end with `#` and an anchor in the page (FORMAT.md §4.2): the part
 * before the first `#`, when the whole target is not a name itself. Undefined without a `#`.
 */
export function splitFragment(target: string): { name: string; fragment: string } | undefined {
  const hash = target.indexOf('#');
  return hash < 0 ? undefined : { name: target.slice(0, hash), fragment: target.slice(hash + 1) };
}
