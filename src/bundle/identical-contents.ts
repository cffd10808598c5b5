import { EntryKind, type CompressionMethod, type Locator, type StoredKind } from './path-index.js';

/**
 * Contents remembered: past this many, a new content is no longer looked for again, so a pack of
 * millions of pages stays in bounded memory and stays deterministic.
 */
const MAX_REMEMBERED = 250_000;

export interface CopyRecord {
  name: string;
  kind: StoredKind;
  locator: Locator;
}

/**
 * The locators of first entries, packed in typed arrays (some 70 bytes each, where an object
 * with its SHA-256 Buffer takes some 600): one slot per content remembered.
 */
class LocatorSlots {
  private capacity = 0;
  private numbers = new Float64Array(0);
  private crcs = new Uint32Array(0);
  private methods = new Uint8Array(0);
  private hashes = new Uint8Array(0);
  private readonly located: boolean[] = [];
  private readonly mediaTypes: string[] = [];

  private grow(slot: number): void {
    if (slot < this.capacity) return;
    const capacity = Math.max(1024, this.capacity * 2);
    const copy = <T extends Float64Array | Uint32Array | Uint8Array>(old: T, fresh: T) => (fresh.set(old), fresh);
    this.numbers = copy(this.numbers, new Float64Array(capacity * 3));
    this.crcs = copy(this.crcs, new Uint32Array(capacity));
    this.methods = copy(this.methods, new Uint8Array(capacity));
    this.hashes = copy(this.hashes, new Uint8Array(capacity * 32));
    this.capacity = capacity;
  }

  set(slot: number, locator: Locator): void {
    this.grow(slot);
    this.numbers.set([locator.offset, locator.compressedSize, locator.size], slot * 3);
    this.crcs[slot] = locator.crc32 >>> 0;
    this.methods[slot] = locator.method;
    this.hashes.set(locator.sha256, slot * 32);
    this.mediaTypes[slot] = locator.mediaType;
    this.located[slot] = true;
  }

  get(slot: number): Locator | undefined {
    if (!this.located[slot]) return undefined;
    return {
      offset: this.numbers[slot * 3]!,
      compressedSize: this.numbers[slot * 3 + 1]!,
      size: this.numbers[slot * 3 + 2]!,
      crc32: this.crcs[slot]!,
      method: this.methods[slot] as CompressionMethod,
      mediaType: this.mediaTypes[slot]!,
      sha256: Buffer.from(this.hashes.subarray(slot * 32, slot * 32 + 32)),
    };
  }
}

/**
 * Finds files whose content (SHA-256 and media type) was already added, so it is stored once:
 * the copy is a symbolic link to the first file in the ZIP, and its path index record holds the
 * first file's locator (FORMAT.md §4.2). Only pages and assets: bundle data is never the same.
 */
export class IdenticalContents {
  /** Content key to its slot; the first file's name by slot. */
  private readonly slots = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly locators = new LocatorSlots();
  private copies: { name: string; kind: StoredKind; slot: number }[] = [];

  private static key(sha256: Buffer, mediaType: string): string {
    // One byte a character: the smallest string that holds the whole hash.
    return `${sha256.toString('latin1')}\0${mediaType}`;
  }

  /**
   * The name of the entry added before with the same content, making this one its copy; or
   * undefined, and this one is remembered as a first.
   */
  firstOf(name: string, kind: StoredKind, sha256: Buffer, mediaType: string, size: number): string | undefined {
    if ((kind !== EntryKind.Page && kind !== EntryKind.Asset) || size === 0) return undefined;
    const key = IdenticalContents.key(sha256, mediaType);
    const slot = this.slots.get(key);
    if (slot !== undefined) {
      this.copies.push({ name, kind, slot });
      return this.names[slot];
    }
    if (this.slots.size < MAX_REMEMBERED) {
      this.slots.set(key, this.names.length);
      this.names.push(name);
    }
    return undefined;
  }

  /** A first entry is in the ZIP: its copies take its locator. */
  located(name: string, locator: Locator): void {
    const slot = this.slots.get(IdenticalContents.key(locator.sha256, locator.mediaType));
    if (slot !== undefined && this.names[slot] === name) this.locators.set(slot, locator);
  }

  /** The records of the copies found so far, once every first is located. */
  takeCopies(): CopyRecord[] {
    const copies = this.copies.map(({ name, kind, slot }) => {
      const locator = this.locators.get(slot);
      if (!locator) throw new Error(`internal: "${name}" is a copy of an entry not written yet`);
      return { name, kind, locator };
    });
    this.copies = [];
    return copies;
  }
}
