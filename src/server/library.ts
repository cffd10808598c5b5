import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { baseOfPart, findParts } from '../bundle/parts.js';
import { Bundle } from '../bundle/reader.js';
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
}

export interface LibraryChange {
  kind: 'added' | 'replaced' | 'removed';
  name: string;
  file: string;
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
    searcher: new BundleSearcher(bundle),
    stamp,
    users: 0,
    retired: false,
  };
}

async function stampOf(file: string): Promise<string> {
  const files = baseOfPart(file) === undefined ? [file] : await findParts(file);
  const stats = await Promise.all(files.map((path) => stat(path)));
  return stats.map((each) => `${each.size}:${each.mtimeMs}:${each.ino}`).join('/');
}

const WATCH_POLL_MS = 10_000;
const WATCH_SETTLE_MS = 500;

/** Every bundle the server offers, opened once and kept open; with watch(), kept up to date. */
export class Library {
  private readonly byName = new Map<string, LibraryBundle>();

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

  private async add(file: string): Promise<LibraryBundle> {
    const stamp = await stampOf(file);
    const bundle = await Bundle.open(file);
    let name = bundle.name;
    for (let n = 2; this.byName.has(name); n++) name = `${bundle.name}-${n}`;
    const item = libraryBundle(name, file, bundle, stamp);
    this.byName.set(name, item);
    return item;
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
    for (const item of [...this.byName.values()]) {
      if (!files.has(item.file)) {
        this.remove(item);
        changes.push({ kind: 'removed', name: item.name, file: item.file });
        continue;
      }
      files.delete(item.file);
      const stamp = await stampOf(item.file).catch(() => item.stamp);
      if (stamp === item.stamp) continue;
      try {
        const bundle = await Bundle.open(item.file);
        this.remove(item);
        this.byName.set(item.name, libraryBundle(item.name, item.file, bundle, stamp));
        changes.push({ kind: 'replaced', name: item.name, file: item.file });
      } catch (error) {
        this.onWarning(`kept the old ${item.file} for now: the new one does not open (${describeError(error)})`);
      }
    }
    for (const file of files) {
      try {
        const item = await this.add(file);
        changes.push({ kind: 'added', name: item.name, file });
      } catch (error) {
        this.onWarning(`skipped ${file}: ${describeError(error)}`);
      }
    }
    return changes;
  }

  private remove(item: LibraryBundle): void {
    this.byName.delete(item.name);
    item.retired = true;
    if (item.users === 0) void item.bundle.close();
  }

  /** Marks a bundle in use by one request; `release` undoes it. */
  acquire(item: LibraryBundle): void {
    item.users++;
  }

  release(item: LibraryBundle): void {
    item.users--;
    if (item.retired && item.users === 0) void item.bundle.close();
  }

  /**
   * Watches the folders for bundles added, replaced or removed: file-system events, settled for
   * a moment so a copy can finish, and a slow poll for file systems that send none.
   */
  watch(onChange: (changes: LibraryChange[]) => void): () => void {
    let timer: NodeJS.Timeout | undefined;
    let running = Promise.resolve();
    const check = () => {
      running = running.then(async () => {
        const changes = await this.refresh().catch((error: unknown) => {
          this.onWarning(`could not rescan the library: ${describeError(error)}`);
          return [];
        });
        if (changes.length > 0) onChange(changes);
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

  list(): LibraryBundle[] {
    return [...this.byName.values()];
  }

  async close(): Promise<void> {
    await Promise.all(this.list().map((item) => item.bundle.close()));
    this.byName.clear();
  }
}
