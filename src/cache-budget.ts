/** One cached value as the budget sees it: its size, and how to drop it from its cache. */
interface Slot {
  bytes: number;
  /** A promise not yet settled: never dropped, or the work it stands for would be done twice. */
  pending: boolean;
  drop(): void;
}

/**
 * Memory for caches shared by every bundle a process has open (`ferry serve --cache`): each
 * cache keeps its values, the budget keeps their sizes in one least-recently-used order and, past
 * its limit, drops the values used longest ago, whichever bundle they belong to. A thousand
 * bundles then cost the budget, not a thousand caches' worth.
 */
export class CacheBudget {
  private readonly slots = new Set<Slot>();
  /** Where trimming goes on from: the oldest value not yet looked at. */
  private cursor: Iterator<Slot> = this.slots.values();
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
    if (this.tooLarge(slot.bytes)) return slot.drop();
    this.slots.add(slot);
    this.used += slot.bytes;
    this.trim();
  }

  /** A promise settled and its value's size is known. */
  settled(slot: Slot, bytes: number): void {
    if (!this.slots.has(slot)) return;
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
    if (!this.slots.delete(slot)) return;
    this.slots.add(slot);
  }

  remove(slot: Slot): void {
    if (this.slots.delete(slot)) this.used -= slot.bytes;
  }

  /**
   * Drops the oldest settled values until the budget holds. One iterator lives across calls: a
   * Set keeps the holes its deletions leave at its front, and a new walk from the start each time
   * crossed them all (160 µs a miss with half a million values). A live iterator skips what was
   * deleted and meets what was added (touched values included) at the end.
   */
  private trim(): void {
    let restarted = false;
    while (this.used > this.limit) {
      const next = this.cursor.next();
      if (next.done) {
        if (restarted) return; // all that is left is still running
        this.cursor = this.slots.values();
        restarted = true;
        continue;
      }
      if (next.value.pending) continue; // passed for now; settled() moves it to the end
      this.remove(next.value);
      next.value.drop();
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
