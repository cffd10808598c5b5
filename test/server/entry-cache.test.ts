import { describe, expect, it } from 'vitest';
import { CacheBudget } from '../../src/cache-budget.js';
import { EntryCache } from '../../src/server/entry-cache.js';

describe('the entry cache', () => {
  it('loads an entry once for many concurrent readers and counts its bytes once', async () => {
    const budget = new CacheBudget(1000);
    const cache = new EntryCache(50, budget);
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return Buffer.alloc(40);
    };
    const bodies = await Promise.all(Array.from({ length: 16 }, () => cache.get('page', load)));
    expect(loads).toBe(1);
    expect(bodies.every((body) => body.length === 40)).toBe(true);
    expect(budget.bytes).toBe(64 + 40); // the body and what keeping it costs
    await cache.get('page', load);
    expect(loads).toBe(1);
  });

  it('evicts the least recently used entries past its byte budget, and skips oversized ones', async () => {
    // Room for four bodies of 40 bytes and their 64 bytes each of keeping.
    const budget = new CacheBudget(420);
    const cache = new EntryCache(50, budget);
    const loaded: string[] = [];
    const loader = (key: string, size: number) => async () => {
      loaded.push(key);
      return Buffer.alloc(size);
    };
    for (const key of ['a', 'b', 'c', 'd']) await cache.get(key, loader(key, 40));
    await cache.get('a', loader('a', 40)); // a is now the most recent
    await cache.get('e', loader('e', 40)); // over budget: b goes
    await cache.get('huge', loader('huge', 60));
    expect(budget.bytes).toBe(4 * (64 + 40));
    await cache.get('a', loader('a', 40));
    await cache.get('b', loader('b', 40));
    expect(loaded).toEqual(['a', 'b', 'c', 'd', 'e', 'huge', 'b']);
  });
});
