import { describe, expect, it } from 'vitest';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { BudgetedLru, CacheBudget } from '../src/cache-budget.js';

describe('one cache budget for every bundle', () => {
  it("drops the values used longest ago, whichever bundle's cache holds them", () => {
    const budget = new CacheBudget(400);
    const first = new BudgetedLru<string, string>(100, (value) => value.length, budget);
    const second = new BudgetedLru<string, string>(100, (value) => value.length, budget);
    first.set('a', 'x'.repeat(100));
    second.set('b', 'y'.repeat(100));
    first.set('c', 'z'.repeat(100));
    second.set('d', 'w'.repeat(100));
    expect(first.get('a')).toBeDefined(); // a is now the most recent: b is the oldest
    second.set('e', 'v'.repeat(100));
    expect(second.get('b')).toBeUndefined();
    expect([first.get('a'), first.get('c'), second.get('d'), second.get('e')].every(Boolean)).toBe(true);
    expect(budget.bytes).toBe(400);
    budget.resize(150);
    expect(budget.bytes).toBeLessThanOrEqual(150);
  });

  it('counts a promise by its value once it settles, and forgets one that fails', async () => {
    const budget = new CacheBudget(4000);
    const cache = new BudgetedLru<string, Promise<string>>(10, (value) => value.length, budget);
    const value = cache.remember('page', async () => 'p'.repeat(500));
    expect(budget.bytes).toBe(64);
    await value;
    await Promise.resolve();
    expect(budget.bytes).toBe(500);
    await expect(cache.remember('bad', async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    await Promise.resolve();
    expect(budget.bytes).toBe(500);
    expect(await cache.remember('bad', async () => 'ok')).toBe('ok');
  });

  it('still keeps at most its own count of entries', () => {
    const budget = new CacheBudget(1_000_000);
    const cache = new BudgetedLru<number, string>(2, () => 10, budget);
    [1, 2, 3].forEach((key) => cache.set(key, String(key)));
    expect(cache.get(1)).toBeUndefined();
    expect(budget.bytes).toBe(20);
  });

  it('keeps no value larger than a quarter of the budget, and empties nothing for it', () => {
    const budget = new CacheBudget(1000);
    const cache = new BudgetedLru<string, string>(10, (value) => value.length, budget);
    cache.set('small', 's'.repeat(200));
    cache.set('huge', 'h'.repeat(2000));
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.get('small')).toBeDefined();
    expect(budget.bytes).toBe(200);
  });

  it('never drops work still under way, and a failure forgets only its own entry', async () => {
    const budget = new CacheBudget(1000);
    const cache = new BudgetedLru<string, Promise<string>>(10, (value) => value.length, budget);
    let release: (value: string) => void = () => undefined;
    const slow = cache.remember('slow', () => new Promise<string>((resolve) => (release = resolve)));
    for (let i = 0; i < 5; i++) await cache.remember(`page-${i}`, async () => 'p'.repeat(240));
    let made = 0;
    cache.remember('slow', async () => `made again ${++made}`);
    expect(made).toBe(0); // still the first promise, though newer values pushed past the budget
    release('done');
    expect(await slow).toBe('done');

    let fail: (error: Error) => void = () => undefined;
    const failing = cache.remember('key', () => new Promise<string>((_, reject) => (fail = reject)));
    cache.delete('key');
    const newer = cache.remember('key', async () => 'newer');
    fail(new Error('old'));
    await expect(failing).rejects.toThrow('old');
    expect(cache.get('key')).toBe(newer);
  });
});

describe('a cache under load', () => {
  it('holds no more memory after a million hits than before them', () => {
    // A server answers from its caches all day: each hit reorders the budget, and a structure
    // that kept a trace of each (a Set's old tables, held by a live iterator) grew without end.
    setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as () => void;
    const budget = new CacheBudget(1_000_000);
    const cache = new BudgetedLru<number, string>(1000, () => 100, budget);
    for (let key = 0; key < 1000; key++) cache.set(key, String(key));
    collect();
    const before = process.memoryUsage().heapUsed;
    for (let hit = 0; hit < 1_000_000; hit++) cache.get((hit * 7919) % 1000);
    collect();
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(4_000_000);
    expect(budget.bytes).toBe(100_000);
  });
});
