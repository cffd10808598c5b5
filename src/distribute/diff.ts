import { compareNameStrings } from '../bundle/names.js';
import { EntryKind, type IndexRecord } from '../bundle/path-index.js';
import type { Bundle } from '../bundle/reader.js';

export type Change = 'added' | 'removed' | 'changed';

export interface EntryChange {
  change: Change;
  name: string;
  /** Bytes of the entry as stored in the new bundle: what an update must fetch for it. */
  bytes: number;
}

export interface DiffSummary {
  added: number;
  removed: number;
  changed: number;
  unchanged: number;
  /** Stored bytes of the added and changed entries of the new bundle. */
  changedBytes: number;
}

function storedBytes(record: IndexRecord | undefined): number {
  return record && record.kind !== EntryKind.Redirect ? record.locator.compressedSize : 0;
}

function sameContent(a: IndexRecord, b: IndexRecord): boolean {
  if (a.kind === EntryKind.Redirect || b.kind === EntryKind.Redirect) {
    return a.kind === b.kind && a.kind === EntryKind.Redirect && b.kind === EntryKind.Redirect && a.target === b.target;
  }
  return a.kind === b.kind && a.locator.sha256.equals(b.locator.sha256) && a.locator.mediaType === b.locator.mediaType;
}

/**
 * The entries added, removed and changed between two bundles, by walking both path indexes in
 * their common order: one block of each in memory at a time, whatever their size. An entry
 * changes when its SHA-256, its kind, its media type or (for a redirect) its target does.
 */
export async function* diffBundles(older: Bundle, newer: Bundle): AsyncGenerator<EntryChange, DiffSummary> {
  const summary: DiffSummary = { added: 0, removed: 0, changed: 0, unchanged: 0, changedBytes: 0 };
  const left = older.records();
  const right = newer.records();
  let a = await left.next();
  let b = await right.next();
  while (!a.done || !b.done) {
    const order = a.done ? 1 : b.done ? -1 : compareNameStrings(a.value.name, b.value.name);
    if (order < 0) {
      summary.removed++;
      yield { change: 'removed', name: (a.value as IndexRecord).name, bytes: 0 };
      a = await left.next();
    } else if (order > 0) {
      const record = b.value as IndexRecord;
      summary.added++;
      summary.changedBytes += storedBytes(record);
      yield { change: 'added', name: record.name, bytes: storedBytes(record) };
      b = await right.next();
    } else {
      const record = b.value as IndexRecord;
      if (sameContent(a.value as IndexRecord, record)) summary.unchanged++;
      else {
        summary.changed++;
        summary.changedBytes += storedBytes(record);
        yield { change: 'changed', name: record.name, bytes: storedBytes(record) };
      }
      a = await left.next();
      b = await right.next();
    }
  }
  return summary;
}
