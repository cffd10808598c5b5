import { createHash } from 'node:crypto';
import { describeError, FerryError } from '../errors.js';
import { decodeHtml } from '../pack/html-text.js';
import { linksOf, resolveLink } from '../pack/rewrite-links.js';
import { listShards } from '../search/shard-list.js';
import { TermDictionary, TERMS_NAME } from '../search/term-dictionary.js';
import { readCentralDirectory, type CentralRecord } from './central-directory.js';
import { contentDigest, type DigestLine } from './digest.js';
import { sameLocator } from './entry-data.js';
import { CONTENT_PREFIX, DICTIONARY_NAME, INDEX_NAME, nameProblem, splitFragment } from './names.js';
import { EntryKind, type IndexRecord } from './path-index.js';
import { Bundle } from './reader.js';
import { localDataOffset } from './zip-tail.js';
import { localRecordProblem } from './local-records.js';

/** One finding of `ferry verify`: which check, which entry, what is wrong. */
export interface Finding {
  check: string;
  entry?: string;
  message: string;
}

export interface VerifyReport {
  file: string;
  ok: boolean;
  entries: number;
  bytes: number;
  errors: Finding[];
  warnings: Finding[];
}

const REQUIRED_METADATA = ['name', 'title', 'language', 'date'] as const;
const RECOMMENDED_METADATA = ['description', 'creator', 'publisher', 'license', 'source'] as const;
const MAX_REDIRECT_HOPS = 8;

/**
 * Checks a bundle the way zimcheck checks a ZIM: ZIP structure against the path index,
 * every entry's CRC-32 and SHA-256, the manifest and its digest, redirects and internal links.
 */
export async function verifyBundle(
  path: string,
  onProgress?: (done: number, total: number) => void,
): Promise<VerifyReport> {
  const report: VerifyReport = { file: path, ok: false, entries: 0, bytes: 0, errors: [], warnings: [] };
  let bundle: Bundle;
  try {
    bundle = await Bundle.open(path);
  } catch (error) {
    report.errors.push({ check: 'structure', message: describeError(error) });
    return report;
  }
  try {
    report.bytes = bundle.source.size;
    const records: IndexRecord[] = [];
    for await (const record of bundle.records()) records.push(record);
    report.entries = records.length;
    const byName = new Map(records.map((record) => [record.name, record]));
    await checkStructure(bundle, records, report);
    await checkContent(bundle, records, report, onProgress);
    checkManifest(bundle, byName, records, report);
    await checkSearchShards(bundle, byName, report);
    checkRedirects(byName, report);
    await checkLinks(bundle, records, byName, report);
  } catch (error) {
    report.errors.push({ check: 'structure', message: describeError(error) });
  } finally {
    await bundle.close();
  }
  report.ok = report.errors.length === 0;
  return report;
}

function stored(record: IndexRecord): record is Exclude<IndexRecord, { kind: EntryKind.Redirect }> {
  return record.kind !== EntryKind.Redirect;
}

const SYMBOLIC_LINK = 0o120000;

function isLink(entry: CentralRecord): boolean {
  return ((entry.externalAttributes >>> 16) & 0o170000) === SYMBOLIC_LINK;
}

/** A copy: its ZIP entry is a link, its record the locator of the entry it copies (FORMAT.md §4.2). */
function isCopy(
  record: Exclude<IndexRecord, { kind: EntryKind.Redirect }>,
  atOffset: Map<number, CentralRecord>,
  byName: Map<string, IndexRecord>,
): boolean {
  const first = byName.get(atOffset.get(record.locator.offset)?.name ?? '');
  return first !== undefined && first !== record && stored(first) && sameLocator(first.locator, record.locator);
}

/** The central directory and the path index must describe the same entries, without overlaps. */
async function checkStructure(bundle: Bundle, records: IndexRecord[], report: VerifyReport): Promise<void> {
  const central = await readCentralDirectory(bundle.source);
  const seen = new Map<string, CentralRecord>();
  for (const entry of central) {
    const problem = nameProblem(entry.name);
    if (problem) report.errors.push({ check: 'names', entry: entry.name, message: `name not allowed: ${problem}` });
    if (seen.has(entry.name))
      report.errors.push({ check: 'names', entry: entry.name, message: 'two ZIP entries have this name' });
    if (entry.flags & 0x1)
      report.errors.push({ check: 'structure', entry: entry.name, message: 'the entry is encrypted' });
    seen.set(entry.name, entry);
  }
  const byName = new Map(records.map((record) => [record.name, record]));
  const atOffset = new Map(central.map((entry) => [entry.offset, entry]));
  for (const record of records.filter(stored)) {
    const entry = seen.get(record.name);
    const locator = record.locator;
    if (entry && isLink(entry) && isCopy(record, atOffset, byName)) continue;
    if (!entry) {
      report.errors.push({ check: 'structure', entry: record.name, message: 'in the path index but not in the ZIP' });
    } else if (
      entry.offset !== locator.offset ||
      entry.compressedSize !== locator.compressedSize ||
      entry.size !== locator.size ||
      entry.crc32 !== locator.crc32 ||
      entry.method !== locator.method
    ) {
      report.errors.push({
        check: 'structure',
        entry: record.name,
        message: 'the path index and the ZIP disagree about this entry',
      });
    }
  }
  const indexed = new Set(records.map((record) => record.name));
  for (const entry of central) {
    if (entry.name !== INDEX_NAME && !indexed.has(entry.name)) {
      report.errors.push({ check: 'structure', entry: entry.name, message: 'in the ZIP but not in the path index' });
    }
  }
  const spans = central.slice().sort((a, b) => a.offset - b.offset);
  for (let i = 0; i < spans.length; i++) {
    const entry = spans[i]!;
    const start = await localDataOffset(bundle.source, entry.offset);
    const end = start + entry.compressedSize;
    const limit = spans[i + 1]?.offset ?? bundle.source.size;
    if (end > limit)
      report.errors.push({ check: 'structure', entry: entry.name, message: 'its data overlaps the next entry' });
    const problem = end <= bundle.source.size ? await localRecordProblem(bundle.source, entry, start) : undefined;
    if (problem) report.errors.push({ check: 'structure', entry: entry.name, message: problem });
  }
}

/** Reads every entry: its inflated size, CRC-32 and SHA-256 must match what was recorded. */
async function checkContent(
  bundle: Bundle,
  records: IndexRecord[],
  report: VerifyReport,
  onProgress?: (done: number, total: number) => void,
): Promise<void> {
  // The zstd dictionary first: when it is damaged, it is the one entry to name, not each page.
  const entries = records
    .filter(stored)
    .sort((a, b) => Number(b.name === DICTIONARY_NAME) - Number(a.name === DICTIONARY_NAME));
  for (const [done, record] of entries.entries()) {
    onProgress?.(done, entries.length);
    const damaged = () =>
      report.errors.push({
        check: 'checksums',
        entry: record.name,
        message: 'CRC-32 does not match: the data is damaged',
      });
    try {
      const hash = createHash('sha256');
      // The stream checks the CRC-32 itself and fails at its end when it does not match.
      for await (const chunk of await bundle.openStream(record)) hash.update(chunk as Buffer);
      if (!hash.digest().equals(record.locator.sha256)) {
        report.errors.push({
          check: 'checksums',
          entry: record.name,
          message: 'SHA-256 does not match the path index',
        });
      }
    } catch (error) {
      if (error instanceof FerryError && error.code === 'ENTRY_DAMAGED') damaged();
      else report.errors.push({ check: 'checksums', entry: record.name, message: describeError(error) });
    }
  }
  onProgress?.(entries.length, entries.length);
}

function checkManifest(
  bundle: Bundle,
  byName: Map<string, IndexRecord>,
  records: IndexRecord[],
  report: VerifyReport,
): void {
  const manifest = bundle.manifest;
  for (const field of REQUIRED_METADATA) {
    if (!manifest.metadata[field]) report.errors.push({ check: 'metadata', message: `metadata "${field}" is empty` });
  }
  for (const field of RECOMMENDED_METADATA) {
    if (!manifest.metadata[field]) report.warnings.push({ check: 'metadata', message: `metadata "${field}" is empty` });
  }
  const main = byName.get(CONTENT_PREFIX + manifest.mainPage);
  if (!main) report.errors.push({ check: 'main page', entry: manifest.mainPage, message: 'the main page is missing' });
  if (manifest.illustration && !byName.has(manifest.illustration)) {
    report.errors.push({ check: 'metadata', entry: manifest.illustration, message: 'the illustration is missing' });
  }
  const count = (kind: EntryKind) =>
    records.filter((record) => record.kind === kind && record.name.startsWith(CONTENT_PREFIX)).length;
  const counted = {
    pages: count(EntryKind.Page),
    assets: count(EntryKind.Asset),
    redirects: count(EntryKind.Redirect),
  };
  if (JSON.stringify(counted) !== JSON.stringify(manifest.counts)) {
    report.errors.push({
      check: 'metadata',
      entry: 'ferry.json',
      message: `counts say ${JSON.stringify(manifest.counts)}, the index holds ${JSON.stringify(counted)}`,
    });
  }
  const digest = contentDigest(
    records.map((record): DigestLine =>
      stored(record) ? { name: record.name, sha256: record.locator.sha256 } : record,
    ),
  );
  if (digest !== manifest.contentDigest) {
    report.errors.push({
      check: 'checksums',
      entry: 'ferry.json',
      message: 'the content digest does not match the entries',
    });
  }
}

/** Every shard the bundle lists (FORMAT.md §5) must be there. */
async function checkSearchShards(
  bundle: Bundle,
  byName: Map<string, IndexRecord>,
  report: VerifyReport,
): Promise<void> {
  let names: string[];
  try {
    names = (await listShards(bundle)).names;
  } catch (error) {
    report.errors.push({ check: 'search', message: describeError(error) });
    return;
  }
  for (const name of names) {
    if (!byName.has(name)) report.errors.push({ check: 'search', entry: name, message: 'a search shard is missing' });
  }
  const terms = byName.get(TERMS_NAME);
  if (!terms || terms.kind === EntryKind.Redirect) return;
  try {
    await (await TermDictionary.open(await bundle.randomAccess(terms), names.length)).check();
  } catch (error) {
    report.errors.push({ check: 'search', entry: TERMS_NAME, message: describeError(error) });
  }
}

function checkRedirects(byName: Map<string, IndexRecord>, report: VerifyReport): void {
  for (const record of byName.values()) {
    if (record.kind !== EntryKind.Redirect) continue;
    let current: IndexRecord | undefined = record;
    let hops = 0;
    while (current?.kind === EntryKind.Redirect && hops <= MAX_REDIRECT_HOPS) {
      const target: string = current.target;
      current = byName.get(target) ?? byName.get(splitFragment(target)?.name ?? target);
      hops++;
    }
    if (!current)
      report.errors.push({
        check: 'redirects',
        entry: record.name,
        message: `points at "${record.target}", which is missing`,
      });
    else if (current.kind === EntryKind.Redirect)
      report.errors.push({
        check: 'redirects',
        entry: record.name,
        message: 'is in a redirect loop or chain longer than 8',
      });
  }
}

/** Internal links to entries that are not there: warnings, since they are often the source site's own. */
async function checkLinks(
  bundle: Bundle,
  records: IndexRecord[],
  byName: Map<string, IndexRecord>,
  report: VerifyReport,
): Promise<void> {
  const exists = (path: string) =>
    byName.has(CONTENT_PREFIX + path) ||
    byName.has(CONTENT_PREFIX + (path === '' || path.endsWith('/') ? path : path + '/') + 'index.html');
  for (const record of records) {
    if (record.kind !== EntryKind.Page) continue;
    const page = record.name.slice(CONTENT_PREFIX.length);
    const html = decodeHtml(await bundle.read(record));
    const missing = new Set<string>();
    for (const link of linksOf(html)) {
      const target = resolveLink(page, link);
      if (target !== undefined && !exists(target)) missing.add(target);
    }
    for (const target of missing) {
      report.warnings.push({
        check: 'links',
        entry: record.name,
        message: `links to "${target}", which is not in the bundle`,
      });
    }
  }
}
