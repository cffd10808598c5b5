/** One cached value as the budget sees it: its size, and how to drop it from its cache. */
interface Slot {
  bytes: number;
  /** A promise not yet settled: never dropped, or the work it stands for would be done twice. */
  pending: boolean;
  drop(): void;
  /** Its neighbours in the budget's order, while it is in the budget. */
  older?: Slot | undefined;
  newer?: Slot | undefined;
  listed?: boolean;
}

/**
 * Memory for caches shared by every bundle a process has open (`ferry serve --cache`): each
 * cache keeps its values, the budget keeps their sizes in one least-recently-used order and, past
 * its limit, drops the values used longest ago, whichever bundle they belong to. A thousand
 * bundles then cost the budget, not a thousand caches' worth.
 *
 * The order is a list linked through the slots: a hit moves its slot to the end in place. A Set
 * reordered by delete and add, walked by an iterator kept across calls, held every table the Set
 * outgrew for as long as the iterator lived: 40 MB a million hits (test/cache-budget.test.ts).
 */
export class CacheBudget {
  private oldest: Slot | undefined;
  private newest: Slot | undefined;
  private used = 0;

  constructor(private limit: number) {}

  get bytes(): number {
    return this.used;
  }

  get maxBytes(): number {
    return this.limit;
  }

  resize(limit: number): void {
    this.limit = limit;
    this.trim();
  }

  /** A value larger than a quarter of the budget is not kept: it would push out everything else. */
  private tooLarge(bytes: number): boolean {
    return bytes > this.limit / 4;
  }

  add(slot: Slot): void {
    this.remove(slot); // a slot added again moves, and is counted once
    if (this.tooLarge(slot.bytes)) return slot.drop();
    this.link(slot);
    this.used += slot.bytes;
    this.trim();
  }

  /** A promise settled and its value's size is known. */
  settled(slot: Slot, bytes: number): void {
    if (!slot.listed) return;
    slot.pending = false;
    this.touch(slot);
    if (this.tooLarge(bytes)) {
      this.remove(slot);
      return slot.drop();
    }
    this.used += bytes - slot.bytes;
    slot.bytes = bytes;
    this.trim();
  }

  touch(slot: Slot): void {
    if (!slot.listed || slot === this.newest) return;
    this.unlink(slot);
    this.link(slot);
  }

  remove(slot: Slot): void {
    if (!slot.listed) return;
    this.unlink(slot);
    this.used -= slot.bytes;
  }

  /** Puts a slot at the newest end. */
  private link(slot: Slot): void {
    slot.older = this.newest;
    slot.newer = undefined;
    slot.listed = true;
    if (this.newest) this.newest.newer = slot;
    else this.oldest = slot;
    this.newest = slot;
  }

  private unlink(slot: Slot): void {
    if (slot.older) slot.older.newer = slot.newer;
    else this.oldest = slot.newer;
    if (slot.newer) slot.newer.older = slot.older;
    else this.newest = slot.older;
    slot.older = slot.newer = undefined;
    slot.listed = false;
  }

  /** Drops the oldest settled values until the budget holds; work still running is passed over. */
  private trim(): void {
    let slot = this.oldest;
    while (this.used > this.limit && slot) {
      const newer = slot.newer;
      if (!slot.pending) {
        this.remove(slot);
        slot.drop();
      }
      slot = newer;
    }
  }
}

/** What a promise costs until it settles: its value's size is known only then. */
const PENDING_BYTES = 64;

/** The caches of every bundle together: 128 MB unless `ferry serve --cache` says otherwise: what the searches of a thousand bundles and their popular pages use, measured by npm run bench:library. */
export const sharedCache = new CacheBudget(128 * 1024 * 1024);

/**
 * A map that keeps at most `capacity` entries, least recently used dropped first, whose values
 * also count against a CacheBudget by `sizeOf` (of the settled value, for a promise).
 */
export class BudgetedLru<K, V> {
  private readonly entries = new Map<K, { value: V; slot: Slot }>();

  constructor(
    private readonly capacity: number,
    private readonly sizeOf: (value: Awaited<V>) => number,
    private readonly budget: CacheBudget = sharedCache,
  ) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.budget.touch(entry.slot);
    return entry.value;
  }

  set(key: K, value: V): void {
    this.delete(key);
    const pending = value instanceof Promise;
    const slot: Slot = {
      bytes: pending ? PENDING_BYTES : this.sizeOf(value as Awaited<V>),
      pending,
      drop: () => {
        if (this.entries.get(key)?.slot === slot) this.entries.delete(key);
      },
    };
    this.entries.set(key, { value, slot });
    this.budget.add(slot);
    if (pending) {
      (value as Promise<Awaited<V>>).then(
        (settled) => {
          let bytes: number;
          try {
            bytes = this.sizeOf(settled);
          } catch {
            bytes = PENDING_BYTES; // a value that cannot be measured is counted small, not fatal
          }
          this.budget.settled(slot, bytes);
        },
        () => this.budget.settled(slot, PENDING_BYTES),
      );
    }
    if (this.entries.size > this.capacity) this.delete(this.entries.keys().next().value!);
  }

  delete(key: K): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.budget.remove(entry.slot);
  }

  /** The value for `key`, made when missing; a promise that fails is forgotten, so the next call tries again. */
  remember(key: K, make: () => V): V {
    let value = this.get(key);
    if (value === undefined) {
      value = make();
      this.set(key, value);
      // Only this value: a newer one for the key, made after this was dropped, stays.
      const made = value;
      if (made instanceof Promise) made.catch(() => this.get(key) === made && this.delete(key));
    }
    return value;
  }
}

/** Bytes a string takes in memory, about: V8 keeps most text one byte a character, some two. */
export function textBytes(text: string): number {
  return 2 * text.length;
}
