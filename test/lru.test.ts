import { describe, expect, it } from 'vitest';
import { BudgetedLru, CacheBudget } from '../src/cache-budget.js';
import { SizedLru } from '../src/lru.js';

describe('the caches behind search and the path index', () => {
  it('hold at most their capacity, dropping the least recently used', () => {
    const cache = new BudgetedLru<string, number>(2, () => 8, new CacheBudget(1_000_000));
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
  });
});

describe('SizedLru', () => {
  it('holds at most its size, keeps what was used lately and drops the oldest', () => {
    const cache = new SizedLru<string, string>(100, (value) => value.length);
    const value = 'x'.repeat(10);
    for (let index = 0; index < 20; index++) cache.set(`k${index}`, value);
    const held = Array.from({ length: 20 }, (_, index) => `k${index}`).filter((key) => cache.get(key) !== undefined);
    expect(held.length * value.length).toBeLessThanOrEqual(100);
    expect(held).toContain('k19');
    expect(held).not.toContain('k0');
    const survivor = held[0]!; // the oldest still held, used now: it outlives those added after it
    const dropped = held[1]!;
    cache.get(survivor);
    for (let index = 20; index < 26; index++) cache.set(`k${index}`, value);
    expect(cache.get(survivor)).toBe(value);
    expect(cache.get(dropped)).toBeUndefined();
    cache.set('huge', 'x'.repeat(30)); // more than a quarter of the size: not kept
    expect(cache.get('huge')).toBeUndefined();
  });
});
