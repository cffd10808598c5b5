/**
 * FNV-1a over a string's UTF-16 code units: a fixed, portable 32-bit hash. Shards key their terms
 * by it (FORMAT.md §5), so a shard holds no term strings, and pack cuts shards by it.
 */
export function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
