import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { baseOfPart, findParts } from '../bundle/parts.js';
import type { Bundle } from '../bundle/reader.js';
import { changedError } from '../bundle/byte-source.js';
import type { Manifest } from '../bundle/manifest.js';
import { FerryError, describeError } from '../errors.js';
import { bundleFileNames, isOutOfHandles, stampNow, stampOf, type FileStamp } from './bundle-files.js';
import { LibraryBundle } from './library-bundle.js';
import { ManifestCache } from './manifest-cache.js';
import { HANDLE_HEADROOM, IDLE_CLOSE_MS, OpenBundles } from './open-bundles.js';
import { openFileLimit } from './open-file-limit.js';

export { bundleFileNames } from './bundle-files.js';
export { LibraryBundle } from './library-bundle.js';

export interface LibraryChange {
  kind: 'added' | 'replaced' | 'removed';
  name: string;
  file: string;
  /** For a bundle replaced by one of another name: the name it had. */
  previousName?: string;
}

export interface LibraryOptions {
  /** Told of bundles skipped or kept back, for whoever keeps the library. */
  onWarning?: (message: string) => void;
  /** Manifests kept from the last start; none by default. */
  manifests?: ManifestCache;
  /** A bundle unused this long closes its file (milliseconds). */
  idleCloseMs?: number;
  /** Bundles open at once at most, idle ones closed to keep under it: the open-file limit less some. */
  maxOpen?: number;
}

/** A new edition of the same bundle: its old name then leads to the new one instead of nowhere. */
function sameBundle(before: Manifest, after: Manifest): boolean {
  const { source, title } = before.metadata;
  return (source !== '' && source === after.metadata.source) || title === after.metadata.title;
}

/** The change a replaced bundle makes, with the name it had when the new one has another. */
function replacement(before: LibraryBundle, after: LibraryBundle): LibraryChange {
  const change: LibraryChange = { kind: 'replaced', name: after.name, file: before.file };
  if (after.name !== before.name) change.previousName = before.name;
  return change;
}

/** Holds a bundle for one request (Library.release lets go). */
function take(item: LibraryBundle): LibraryBundle {
  item.users++;
  item.lastUsed = Date.now();
  return item;
}

/** A bundle file as the library first sees it: its manifest, and the bundle when it had to be opened. */
type Found = { manifest: Manifest; stamp: FileStamp; fromDisk: boolean } | { error: unknown };

const WATCH_POLL_MS = 10_000;
const WATCH_SETTLE_MS = 500;
const WARNING_EVERY_MS = 10_000;

/**
 * Every bundle the server offers. At rest each is its manifest (from the manifest cache, or read
 * once at start); a bundle's file opens when a request reads it and closes when idle. With
 * watch(), kept in line with the folders.
 */
export class Library {
  private readonly byName = new Map<string, LibraryBundle>();
  /** Names of bundles replaced by a new edition under another name, to the name they have now. */
  private readonly renamed = new Map<string, string>();
  /** For a bundle name, the lowest number that may be free for a copy: a thousand copies of one bundle would try every taken one. */
  private readonly freeNumber = new Map<string, number>();
  /** One check of the disk per bundle at a time, shared by the requests that wait for it. */
  private readonly checks = new Map<LibraryBundle, Promise<LibraryBundle>>();
  /** One open per bundle at a time, shared likewise. */
  private readonly openings = new Map<LibraryBundle, Promise<unknown>>();
  private readonly files: OpenBundles;
  private readonly manifests: ManifestCache;
  private readonly onWarning: (message: string) => void;
  private notify: (changes: LibraryChange[]) => void = () => undefined;
  private busyWarnedAt = 0;
  /** Saves of the manifest cache, one after another: two at once would share a temporary file. */
  private saving: Promise<void> = Promise.resolve();

  private constructor(
    private readonly paths: string[],
    options: LibraryOptions,
  ) {
    this.onWarning = options.onWarning ?? (() => undefined);
    this.manifests = options.manifests ?? ManifestCache.none();
    const maxOpen = options.maxOpen ?? Math.max(16, openFileLimit() - HANDLE_HEADROOM);
    this.files = new OpenBundles(maxOpen, options.idleCloseMs ?? IDLE_CLOSE_MS);
  }

  /**
   * The bundles named, and every bundle in the folders named. A file named directly must be a
   * bundle; a broken file found in a folder is reported and skipped.
   */
  static async open(paths: string[], options: LibraryOptions = {}): Promise<Library> {
    const library = new Library(paths, options);
    for (const path of paths) {
      const stats = await stat(path).catch(() => undefined);
      if (!stats && baseOfPart(path) === undefined && (await findParts(path)).length === 0) {
        throw new FerryError('INPUT_MISSING', `"${path}" does not exist. Give bundle files or folders that hold them.`);
      }
      if (!stats?.isDirectory()) {
        const found = await library.find(resolve(path));
        if ('error' in found) throw found.error;
        library.insert(resolve(path), found.manifest, found.stamp);
      }
    }
    await library.refresh();
    if (library.byName.size === 0) {
      throw new FerryError('INPUT_EMPTY', `No bundles found in ${paths.join(', ')}. Make one with "ferry pack".`);
    }
    return library;
  }

  /** A file's manifest from the cache while the file is unchanged, else read from the bundle (opened and closed again). */
  private async find(file: string): Promise<Found> {
    try {
      const stamp = await stampNow(file);
      const cached = this.manifests.get(file, stamp.stamp);
      if (cached) return { manifest: cached, stamp, fromDisk: false };
      return { manifest: await this.files.manifestOf(file), stamp, fromDisk: true };
    } catch (error) {
      return { error };
    }
  }

  /** Puts a bundle in the library under its own name, made unique; open when `bundle` is given. */
  private insert(file: string, manifest: Manifest, stamp: FileStamp, bundle?: Bundle): LibraryBundle {
    const own = manifest.metadata.name;
    let name = own;
    if (this.byName.has(own)) {
      let n = this.freeNumber.get(own) ?? 2;
      while (this.byName.has(`${own}-${n}`)) n++;
      name = `${own}-${n}`;
      this.freeNumber.set(own, n + 1);
    }
    const item = new LibraryBundle(name, file, stamp.bytes, stamp.stamp, manifest);
    if (bundle) this.files.attach(item, bundle);
    this.byName.set(name, item);
    this.renamed.delete(name);
    return item;
  }

  /**
   * The bundle as it is on disk now: the same item while its file is unchanged, else the bundle
   * reopened from the new file (under the new manifest's name). While the new file does not open
   * (a copy still running), an open old one is served if its bytes are intact (the new file was
   * moved in beside it); BUNDLE_CHANGED is thrown if they were overwritten in place, or when the
   * old one was closed.
   */
  current(item: LibraryBundle, pathCheckMs = 0): Promise<LibraryBundle> {
    if (item.retired) {
      const now = this.list().find((each) => each.file === item.file);
      return now ? this.current(now, pathCheckMs) : Promise.resolve(item);
    }
    let check = this.checks.get(item);
    if (!check) {
      check = this.checkNow(item, pathCheckMs).finally(() => this.checks.delete(item));
      this.checks.set(item, check);
    }
    return check;
  }

  /**
   * The bundle as it is on disk now, open and held for one request: release() it when done.
   * Held in the same step as it is found open, so that no idle-closing comes between.
   */
  async hold(listed: LibraryBundle, pathCheckMs = 0): Promise<LibraryBundle> {
    for (;;) {
      const item = await this.current(listed, pathCheckMs);
      if (item.isOpen) return take(item);
      // Taken out, and nothing in its place yet: the next scan of the folder brings the new file.
      if (item.retired) throw changedError(item.file);
      listed = item;
      const another = this.openings.get(item);
      if (another) {
        // Another request is opening it: it holds it once open, so it is still open when we look again.
        await another.catch(() => undefined);
        continue;
      }
      const opening = this.openNow(item);
      this.openings.set(item, opening);
      try {
        const held = await opening;
        if (held) return held;
      } finally {
        this.openings.delete(item);
      }
    }
  }

  /**
   * Opens a closed bundle's file and holds it, in the step that attaches it, so that nothing
   * closes it before the request has it; undefined when it turned out to have been replaced.
   */
  private async openNow(item: LibraryBundle): Promise<LibraryBundle | undefined> {
    let bundle: Bundle;
    try {
      bundle = await this.files.read(item.file);
    } catch (error) {
      this.warnBusy(error);
      // Gone from its path, or a copy over it in progress: a replacement, not damage.
      if ((await stampOf(item.file).catch(() => undefined))?.stamp !== item.stamp) throw changedError(item.file);
      throw error;
    }
    const after = await stampOf(item.file).catch(() => undefined);
    if (after?.stamp === item.stamp && bundle.manifest.contentDigest === item.manifest.contentDigest) {
      this.files.attach(item, bundle);
      return take(item);
    }
    // The same file with other content (copied over keeping size and time): a new edition.
    if (after?.stamp === item.stamp) {
      const fresh = this.replace(item, bundle, after);
      return fresh.isOpen ? take(fresh) : undefined;
    }
    await this.files.discard(bundle);
    if (after === undefined) throw changedError(item.file);
    // Replaced between the look at its path and the open: the next check finds the new one.
    item.checkedAt = 0;
    return undefined;
  }

  /** Warns that bundles cannot be opened for want of file handles, once a while. */
  private warnBusy(error: unknown): void {
    if (!(error instanceof FerryError && error.code === 'SERVER_BUSY')) return;
    if (Date.now() - this.busyWarnedAt < WARNING_EVERY_MS) return;
    this.busyWarnedAt = Date.now();
    this.onWarning(
      `a bundle could not be opened: too many open files (${this.files.count} bundles open, ` +
        `${this.files.limit} at most). Raise the limit (ulimit -n, or LimitNOFILE in a systemd unit).`,
    );
  }

  /**
   * The open file is asked every time (an fstat: a copy in place shows at once); its path, where
   * a replacement moved in shows, at most once per `pathCheckMs`, so that a page listing a
   * thousand bundles does not cost a thousand lookups each time.
   */
  private async checkNow(item: LibraryBundle, pathCheckMs: number): Promise<LibraryBundle> {
    const inPlace = item.isOpen && (await item.bundle.source.changed?.());
    if (!inPlace && Date.now() - item.checkedAt < pathCheckMs) return item;
    item.checkedAt = Date.now();
    return this.recheck(item);
  }

  private async recheck(item: LibraryBundle): Promise<LibraryBundle> {
    const stamp = await stampOf(item.file).catch(() => undefined);
    // A file gone from its path (removed, or between the two steps of a move) leaves the open one intact.
    if (stamp === undefined || stamp.stamp === item.stamp) return item;
    // A new file that would not open is tried again once a while, not at every request.
    const unchangedFailure = item.failedStamp === stamp.stamp && Date.now() - item.warnedAt < WARNING_EVERY_MS;
    if (unchangedFailure && item.isOpen) return item;
    let bundle: Bundle | undefined;
    try {
      bundle = await this.files.read(item.file);
      if ((await stampOf(item.file)).stamp !== stamp.stamp) throw changedError(item.file);
    } catch (error) {
      if (bundle) await this.files.discard(bundle);
      if (!item.isOpen || (await item.bundle.source.changed?.())) throw changedError(item.file);
      // Said once a while, not at every request of a long copy. The stamp stays the old file's:
      // the new one is the library's only once it opens (and only then is its manifest kept).
      if (Date.now() - item.warnedAt > WARNING_EVERY_MS) {
        item.warnedAt = Date.now();
        item.failedStamp = stamp.stamp;
        this.onWarning(`kept the old ${item.file} for now: the new one does not open (${describeError(error)})`);
      }
      return item;
    }
    return this.replace(item, bundle, stamp);
  }

  /** Puts the new edition of a bundle, open, in the place of the old one. */
  private replace(item: LibraryBundle, bundle: Bundle, stamp: FileStamp): LibraryBundle {
    // Replaced already (two requests found the new file at once): the first replacement stands.
    const now = item.retired ? this.list().find((each) => each.file === item.file) : undefined;
    if (item.retired) {
      void this.files.discard(bundle);
      if (!now) throw changedError(item.file);
      return now;
    }
    void this.remove(item);
    const fresh = this.insert(item.file, bundle.manifest, stamp, bundle);
    if (fresh.name !== item.name)
      this.rename(item.name, sameBundle(item.manifest, bundle.manifest) ? fresh.name : undefined);
    this.notify([replacement(item, fresh)]);
    void this.saveManifests();
    return fresh;
  }

  /** Leads `from` (and the names that led to it) to `to`, or nowhere when the new bundle is another. */
  private rename(from: string, to: string | undefined): void {
    for (const [old, now] of this.renamed) {
      if (now !== from) continue;
      if (to) this.renamed.set(old, to);
      else this.renamed.delete(old);
    }
    if (to) this.renamed.set(from, to);
  }

  /** The bundle files the paths name now. */
  private async scan(): Promise<string[]> {
    const files: string[] = [];
    for (const path of this.paths) {
      const stats = await stat(path).catch(() => undefined);
      if (stats?.isDirectory())
        files.push(...bundleFileNames(await readdir(path)).map((name) => resolve(join(path, name))));
      else if (stats || (await findParts(path).catch(() => [])).length > 0) files.push(resolve(path));
    }
    return files;
  }

  /**
   * Brings the library in line with the disk: reads new bundles' manifests, reopens replaced
   * ones, drops removed ones. A file that cannot be read yet (still being copied) is tried again
   * next time.
   */
  async refresh(): Promise<LibraryChange[]> {
    const changes: LibraryChange[] = [];
    const files = new Set(await this.scan());
    const staying: LibraryBundle[] = [];
    for (const item of [...this.byName.values()]) {
      if (files.delete(item.file)) {
        staying.push(item);
        continue;
      }
      void this.remove(item);
      this.rename(item.name, undefined);
      changes.push({ kind: 'removed', name: item.name, file: item.file });
    }
    const now = await Promise.all(staying.map((item) => this.current(item).catch(() => item)));
    staying.forEach((item, i) => now[i] !== item && changes.push(replacement(item, now[i]!)));
    // Read many at a time, then named in file order, so that the names given to bundles of one
    // name do not depend on timing.
    const found = await Promise.all([...files].map((file) => this.find(file)));
    let outOfHandles = 0;
    for (const [index, file] of [...files].entries()) {
      const result = found[index]!;
      if ('error' in result) {
        // Said once for all: a thousand lines of EMFILE would hide what to do about it.
        if (isOutOfHandles(result.error)) outOfHandles++;
        else this.onWarning(`skipped ${file}: ${describeError(result.error)}`);
        continue;
      }
      const item = this.insert(file, result.manifest, result.stamp);
      changes.push({ kind: 'added', name: item.name, file });
    }
    if (outOfHandles > 0) {
      this.onWarning(
        `${outOfHandles} bundles were not read: too many open files; they are tried again at the next scan. ` +
          `Raise the limit (ulimit -n, or LimitNOFILE in a systemd unit).`,
      );
    }
    if (changes.length > 0 || found.some((result) => 'fromDisk' in result && result.fromDisk))
      await this.saveManifests();
    // Replacements were told by current() itself, as they are when a request finds them first.
    const told = changes.filter((change) => change.kind !== 'replaced');
    if (told.length > 0) this.notify(told);
    return changes;
  }

  /** Keeps the manifests for the next start; a cache that cannot be written costs only time. */
  private saveManifests(): Promise<void> {
    this.saving = this.saving.then(() =>
      this.manifests.save(this.list()).catch((error: unknown) => {
        this.onWarning(`could not keep the bundles' manifests for the next start: ${describeError(error)}`);
      }),
    );
    return this.saving;
  }

  /** Takes a bundle out; its file closes now if nothing reads it, else when the last reader ends. */
  private remove(item: LibraryBundle): Promise<void> {
    if (this.byName.get(item.name) === item) this.byName.delete(item.name);
    const own = item.manifest.metadata.name;
    const number = item.name === own ? 2 : Number(item.name.slice(own.length + 1));
    if (number < (this.freeNumber.get(own) ?? 2)) this.freeNumber.set(own, number);
    item.retired = true;
    return item.users === 0 ? this.files.detach(item) : Promise.resolve();
  }

  /** Lets go of a bundle held by hold(). */
  release(item: LibraryBundle): void {
    item.users--;
    item.lastUsed = Date.now();
    if (item.retired && item.users === 0) void this.files.detach(item);
  }

  /** How many bundles have their files open now. */
  get openCount(): number {
    return this.files.count;
  }

  /** Tells `listener` of every bundle added, replaced or removed, whether a request or a scan found it. */
  onChange(listener: (changes: LibraryChange[]) => void): void {
    this.notify = listener;
  }

  /**
   * Watches the folders for bundles added, replaced or removed: file-system events, settled for
   * a moment so a copy can finish, and a slow poll for file systems that send none.
   */
  watch(onChange: (changes: LibraryChange[]) => void): () => void {
    this.onChange(onChange);
    let timer: NodeJS.Timeout | undefined;
    let running = Promise.resolve();
    const check = () => {
      running = running.then(async () => {
        await this.refresh().catch((error: unknown) => {
          this.onWarning(`could not rescan the library: ${describeError(error)}`);
        });
      });
    };
    const soon = () => {
      clearTimeout(timer);
      timer = setTimeout(check, WATCH_SETTLE_MS);
    };
    const watchers: FSWatcher[] = [];
    for (const path of this.paths) {
      try {
        watchers.push(watch(path, soon));
      } catch {
        // A path that cannot be watched is still polled.
      }
    }
    const poll = setInterval(check, WATCH_POLL_MS);
    return () => {
      clearTimeout(timer);
      clearInterval(poll);
      watchers.forEach((watcher) => watcher.close());
    };
  }

  get(name: string): LibraryBundle | undefined {
    return this.byName.get(name);
  }

  /** The name a bundle has now, when `name` was its name before it was replaced by a new edition. */
  renamedTo(name: string): string | undefined {
    return this.byName.has(name) ? undefined : this.renamed.get(name);
  }

  list(): LibraryBundle[] {
    return [...this.byName.values()];
  }

  async close(): Promise<void> {
    await this.saving;
    await this.files.closeAll();
    this.byName.clear();
  }
}
