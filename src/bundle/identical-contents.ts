import { EntryKind, type Locator, type StoredKind } from './path-index.js';

/**
 * Contents remembered: past this many, a new content is no longer looked for again, so a pack of
 * millions of pages stays in bounded memory (some 100 bytes each) and stays deterministic.
 */
const MAX_REMEMBERED = 250_000;

export interface CopyRecord {
  name: string;
  kind: StoredKind;
  locator: Locator;
}

/**
 * Finds files whose content (SHA-256 and media type) was already added, so it is stored once:
 * the copy is a symbolic link to the first file in the ZIP, and its path index record holds the
 * first file's locator (FORMAT.md §4.2). Only pages and assets: bundle data is never the same.
 */
export class IdenticalContents {
  private readonly firsts = new Map<string, { name: string; locator?: Locator }>();
  private copies: { name: string; kind: StoredKind; key: string }[] = [];

  private static key(sha256: Buffer, mediaType: string): string {
    return `${sha256.toString('base64')}\0${mediaType}`;
  }

  /**
   * The name of the entry added before with the same content, making this one its copy; or
   * undefined, and this one is remembered as a first.
   */
  firstOf(name: string, kind: StoredKind, sha256: Buffer, mediaType: string, size: number): string | undefined {
    if ((kind !== EntryKind.Page && kind !== EntryKind.Asset) || size === 0) return undefined;
    const key = IdenticalContents.key(sha256, mediaType);
    const first = this.firsts.get(key);
    if (first) {
      this.copies.push({ name, kind, key });
      return first.name;
    }
    if (this.firsts.size < MAX_REMEMBERED) this.firsts.set(key, { name });
    return undefined;
  }

  /** A first entry is in the ZIP: its copies take its locator. */
  located(name: string, locator: Locator): void {
    const first = this.firsts.get(IdenticalContents.key(locator.sha256, locator.mediaType));
    if (first?.name === name) first.locator = locator;
  }

  /** The records of the copies found so far, once every first is located. */
  takeCopies(): CopyRecord[] {
    const copies = this.copies.map(({ name, kind, key }) => {
      const locator = this.firsts.get(key)?.locator;
      if (!locator) throw new Error(`internal: "${name}" is a copy of an entry not written yet`);
      return { name, kind, locator };
    });
    this.copies = [];
    return copies;
  }
}
