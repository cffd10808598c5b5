import { describe, expect, it } from 'vitest';
import { BudgetedLru, CacheBudget } from '../src/cache-budget.js';

describe('one cache budget for every bundle', () => {
  it("drops the values used longest ago, whichever bundle's cache holds them", () => {
    const budget = new CacheBudget(300);
    const first = new BudgetedLru<string, string>(100, (value) => value.length, budget);
    const second = new BudgetedLru<string, string>(100, (value) => value.length, budget);
    first.set('a', 'x'.repeat(100));
    second.set('b', 'y'.repeat(100));
    first.set('c', 'z'.repeat(100));
    expect(first.get('a')).toBeDefined(); // a is now the most recent: b is the oldest
    second.set('d', 'w'.repeat(100));
    expect(second.get('b')).toBeUndefined();
    expect([first.get('a'), first.get('c'), second.get('d')].every(Boolean)).toBe(true);
    expect(budget.bytes).toBe(300);
    budget.resize(150);
    expect(budget.bytes).toBeLessThanOrEqual(150);
  });

  it('counts a promise by its value once it settles, and forgets one that fails', async () => {
    const budget = new CacheBudget(1000);
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
});
