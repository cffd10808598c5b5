import { BudgetedLru, CacheBudget, sharedCache } from '../cache-budget.js';

/**
 * Response bodies kept in memory, so popular pages are not read and inflated again for every
 * reader on the LAN. They count against the process's cache budget with every other cache (the
 * least recently used of all go first); concurrent misses for one key share a single load.
 */
export class EntryCache {
  private readonly entries: BudgetedLru<string, Buffer>;
  private readonly loading = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly maxEntryBytes: number,
    budget: CacheBudget = sharedCache,
  ) {
    this.entries = new BudgetedLru<string, Buffer>(Number.MAX_SAFE_INTEGER, (value) => 64 + value.length, budget);
  }

  async get(key: string, load: () => Promise<Buffer>): Promise<Buffer> {
    const cached = this.entries.get(key);
    if (cached) return cached;
    let pending = this.loading.get(key);
    if (!pending) {
      pending = load().finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
      pending.then(
        (value) => {
          if (value.length <= this.maxEntryBytes) this.entries.set(key, value);
        },
        () => undefined,
      );
    }
    return pending;
  }
}
