import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { baseOfPart, findParts } from '../bundle/parts.js';
import { Bundle } from '../bundle/reader.js';
import { TaskLimit } from '../bundle/task-limit.js';
import { changedError } from '../bundle/byte-source.js';
import type { Manifest } from '../bundle/manifest.js';
import { FerryError, describeError } from '../errors.js';
import { BundleSearcher } from '../search/searcher.js';

export interface LibraryBundle {
  /** The name in URLs: the bundle's own name, made unique within the library. */
  name: string;
  file: string;
  bytes: number;
  bundle: Bundle;
  searcher: BundleSearcher;
  /** Size, time and inode of the file (or of every part): a change means it was replaced. */
  stamp: string;
  /** Requests using it now; a bundle taken out of the library closes when the last one ends. */
  users: number;
  retired: boolean;
  /** When the file's path was last compared with `stamp`. */
  checkedAt: number;
  /** When a replacement that does not open was last reported. */
  warnedAt: number;
}

export interface LibraryChange {
  kind: 'added' | 'replaced' | 'removed';
  name: string;
  file: string;
  /** For a bundle replaced by one of another name: the name it had. */
  previousName?: string;
}

/** The bundles in a folder: .ferry files, and split bundles by their first part when whole ones are absent. */
export function bundleFileNames(names: string[]): string[] {
  const whole = new Set(names.filter((name) => name.endsWith('.ferry')));
  const split = names
    .filter((name) => name.endsWith('.ferry.part001'))
    .filter((name) => !whole.has(name.slice(0, -'.part001'.length)));
  return [...whole, ...split].sort();
}

function libraryBundle(name: string, file: string, bundle: Bundle, stamp: string): LibraryBundle {
  return {
    name,
    file,
    bytes: bundle.source.size,
    bundle,
    searcher: new BundleSearcher(bundle, name),
    stamp,
    users: 0,
    retired: false,
    checkedAt: Date.now(),
    warnedAt: 0,
  };
}

async function stampOf(file: string): Promise<string> {
  const files = baseOfPart(file) === undefined ? [file] : await findParts(file);
  const stats = await Promise.all(files.map((path) => stat(path)));
  return stats.map((each) => `${each.size}:${each.mtimeMs}:${each.ino}`).join('/');
}

/** A new edition of the same bundle: its old name then leads to the new one instead of nowhere. */
function sameBundle(before: Manifest, after: Manifest): boolean {
  const { source, title } = before.metadata;
  return (source !== '' && source === after.metadata.source) || title === after.metadata.title;
}

const WATCH_POLL_MS = 10_000;
/** The change a replaced bundle makes, with the name it had when the new one has another. */
function replacement(before: LibraryBundle, after: LibraryBundle): LibraryChange {
  const change: LibraryChange = { kind: 'replaced', name: after.name, file: before.file };
  if (after.name !== before.name) change.previousName = before.name;
  return change;
}

const WARNING_EVERY_MS = 10_000;
/** Descriptors left free for connections and the server's own files when bundles took them all. */
const HANDLE_HEADROOM = 64;
/** Bundles opened at once when a library starts: enough to keep the disk busy, few file handles more. */
const OPEN_AT_ONCE = 32;

type Opened = { bundle: Bundle; stamp: string } | { error: unknown };

/** EMFILE or ENFILE, whether thrown as is or wrapped in ferry's error. */
function isOutOfHandles(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'EMFILE' || code === 'ENFILE') return true;
  }
  return false;
}

/** Opens every file, `limit` at a time; each result in the files' order, a bundle or why it did not open. */
function openAll(files: string[], limit: number): Promise<Opened[]> {
  const tasks = new TaskLimit(limit);
  return Promise.all(
    files.map((file) =>
      tasks.run(async (): Promise<Opened> => {
        try {
          const stamp = await stampOf(file);
          return { bundle: await Bundle.open(file), stamp };
        } catch (error) {
          return { error };
        }
      }),
    ),
  );
}

const WATCH_SETTLE_MS = 500;

/** Every bundle the server offers, opened once and kept open; with watch(), kept up to date. */
export class Library {
  private readonly byName = new Map<string, LibraryBundle>();
  /** Names of bundles replaced by a new edition under another name, to the name they have now. */
  private readonly renamed = new Map<string, string>();
  /** One check of the disk per bundle at a time, shared by the requests that wait for it. */
  private readonly checks = new Map<LibraryBundle, Promise<LibraryBundle>>();
  /** Bundle files not opened for want of file handles, not tried again until a bundle leaves. */
  private readonly outOfHandles = new Set<string>();
  private notify: (changes: LibraryChange[]) => void = () => undefined;

  private constructor(
    private readonly paths: string[],
    private readonly onWarning: (message: string) => void,
  ) {}

  /**
   * Opens the bundles named, and every bundle in the folders named. A file named directly must
   * be a bundle; a broken file found in a folder is reported and skipped.
   */
  static async open(paths: string[], onWarning: (message: string) => void = () => undefined): Promise<Library> {
    const library = new Library(paths, onWarning);
    for (const path of paths) {
      const stats = await stat(path).catch(() => undefined);
      if (!stats && baseOfPart(path) === undefined && (await findParts(path)).length === 0) {
        throw new FerryError('INPUT_MISSING', `"${path}" does not exist. Give bundle files or folders that hold them.`);
      }
      if (!stats?.isDirectory()) await library.add(resolve(path));
    }
    await library.refresh();
    if (library.byName.size === 0) {
      throw new FerryError('INPUT_EMPTY', `No bundles found in ${paths.join(', ')}. Make one with "ferry pack".`);
    }
    return library;
  }

  /** A bundle named on the command line: it must open, or the server does not start. */
  private async add(file: string): Promise<LibraryBundle> {
    const stamp = await stampOf(file);
    return this.insert(file, await Bundle.open(file), stamp);
  }

  /** Puts an open bundle in the library under its own name, made unique. */
  private insert(file: string, bundle: Bundle, stamp: string): LibraryBundle {
    let name = bundle.name;
    for (let n = 2; this.byName.has(name); n++) name = `${bundle.name}-${n}`;
    const item = libraryBundle(name, file, bundle, stamp);
    this.byName.set(name, item);
    this.renamed.delete(name);
    return item;
  }

  /**
   * The bundle as it is on disk now: the same item while its file is unchanged, else the bundle
   * reopened from the new file (under the new manifest's name). While the new file does not open
   * (a copy still running), the old one is served if its bytes are intact (the new file was moved
   * in beside it) and BUNDLE_CHANGED is thrown if they were overwritten in place.
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
   * The open file is asked every time (an fstat: a copy in place shows at once); its path, where
   * a replacement moved in shows, at most once per `pathCheckMs`, so that a page listing a
   * thousand bundles does not cost a thousand lookups each time.
   */
  private async checkNow(item: LibraryBundle, pathCheckMs: number): Promise<LibraryBundle> {
    const inPlace = await item.bundle.source.changed?.();
    if (!inPlace && Date.now() - item.checkedAt < pathCheckMs) return item;
    item.checkedAt = Date.now();
    return this.recheck(item);
  }

  private async recheck(item: LibraryBundle): Promise<LibraryBundle> {
    const stamp = await stampOf(item.file).catch(() => undefined);
    // A file gone from its path (removed, or between the two steps of a move) leaves the open one intact.
    if (stamp === undefined || stamp === item.stamp) return item;
    let bundle: Bundle | undefined;
    try {
      bundle = await Bundle.open(item.file);
      if ((await stampOf(item.file)) !== stamp) throw changedError(item.file);
    } catch (error) {
      await bundle?.close();
      if (await item.bundle.source.changed?.()) throw changedError(item.file);
      // Said once a while, not at every request of a long copy.
      if (Date.now() - item.warnedAt > WARNING_EVERY_MS) {
        item.warnedAt = Date.now();
        this.onWarning(`kept the old ${item.file} for now: the new one does not open (${describeError(error)})`);
      }
      item.stamp = stamp;
      return item;
    }
    void this.remove(item);
    const fresh = this.insert(item.file, bundle, stamp);
    if (fresh.name !== item.name)
      this.rename(item.name, sameBundle(item.bundle.manifest, bundle.manifest) ? fresh.name : undefined);
    this.notify([replacement(item, fresh)]);
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
   * Brings the library in line with the disk: opens new bundles, reopens replaced ones, drops
   * removed ones. A file that cannot be opened yet (still being copied) is tried again next time.
   */
  async refresh(): Promise<LibraryChange[]> {
    const changes: LibraryChange[] = [];
    const files = new Set(await this.scan());
    for (const file of this.outOfHandles) if (!files.has(file)) this.outOfHandles.delete(file);
    for (const item of [...this.byName.values()]) {
      if (!files.has(item.file)) {
        void this.remove(item);
        this.rename(item.name, undefined);
        changes.push({ kind: 'removed', name: item.name, file: item.file });
        continue;
      }
      files.delete(item.file);
      const now = await this.current(item).catch(() => item);
      if (now !== item) changes.push(replacement(item, now));
    }
    // Files left out for want of handles wait until a bundle leaves: tried again at every scan,
    // they would take the handles kept free for connections, a few more each time.
    if (changes.some((change) => change.kind === 'removed')) this.outOfHandles.clear();
    for (const file of this.outOfHandles) files.delete(file);
    // Opened many at a time (a library of a thousand bundles starts three times sooner), then
    // named in file order, so that the names given to bundles of one name do not depend on timing.
    const opened = await openAll([...files], OPEN_AT_ONCE);
    const leftOut: string[] = [];
    const addedNow: LibraryBundle[] = [];
    for (const [index, file] of [...files].entries()) {
      const result = opened[index]!;
      if ('error' in result) {
        // Said once for all: a thousand lines of EMFILE would hide what to do about it.
        if (isOutOfHandles(result.error)) leftOut.push(file);
        else this.onWarning(`skipped ${file}: ${describeError(result.error)}`);
        continue;
      }
      const item = this.insert(file, result.bundle, result.stamp);
      addedNow.push(item);
      changes.push({ kind: 'added', name: item.name, file });
    }
    if (leftOut.length > 0) {
      // With every descriptor taken, the server could not accept a connection or read its own
      // files: the last bundles opened give theirs back.
      for (const item of addedNow.splice(-Math.min(HANDLE_HEADROOM, Math.ceil(addedNow.length / 2)))) {
        // Awaited: the server's next steps (its own files, the listening socket) need them free.
        await this.remove(item);
        changes.splice(
          changes.findIndex((change) => change.file === item.file),
          1,
        );
        leftOut.push(item.file);
      }
      leftOut.forEach((file) => this.outOfHandles.add(file));
      this.onWarning(
        `${this.outOfHandles.size} bundles were not opened: too many open files. Each bundle keeps its file open; ` +
          `raise the limit above the number of bundles plus 100 (ulimit -n, or LimitNOFILE in a systemd unit).`,
      );
    }
    // Replacements were told by current() itself, as they are when a request finds them first.
    const told = changes.filter((change) => change.kind !== 'replaced');
    if (told.length > 0) this.notify(told);
    return changes;
  }

  /** Takes a bundle out; its file closes now if nothing reads it, else when the last reader ends. */
  private remove(item: LibraryBundle): Promise<void> {
    this.byName.delete(item.name);
    item.retired = true;
    // A file that fails to close is gone from the library all the same.
    return item.users === 0 ? item.bundle.close().catch(() => undefined) : Promise.resolve();
  }

  /** Marks a bundle in use by one request; `release` undoes it. */
  acquire(item: LibraryBundle): void {
    item.users++;
  }

  release(item: LibraryBundle): void {
    item.users--;
    if (item.retired && item.users === 0) void item.bundle.close();
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
    await Promise.all(this.list().map((item) => item.bundle.close()));
    this.byName.clear();
  }
}
