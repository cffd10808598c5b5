/**
 * The place of the last key at most `key` in increasing `keys`, or -1 when all are larger: the
 * block of a shard or of the term dictionary whose first key says the term may be in it.
 */
export function lastAtMost(keys: Uint32Array, key: number): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (keys[middle]! <= key) low = middle + 1;
    else high = middle;
  }
  return low - 1;
}
