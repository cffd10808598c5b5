import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
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
}

/** The bundles in a folder: .ferry files, and split bundles by their first part when whole ones are absent. */
export function bundleFileNames(names: string[]): string[] {
  const whole = new Set(names.filter((name) => name.endsWith('.ferry')));
  const split = names
    .filter((name) => name.endsWith('.ferry.part001'))
    .filter((name) => !whole.has(name.slice(0, -'.part001'.length)));
  return [...whole, ...split].sort();
}

/** Every bundle the server offers, opened once and kept open. */
export class Library {
  private constructor(private readonly byName: Map<string, LibraryBundle>) {}

  /**
   * Opens the bundles named, and every `.ferry` file in the folders named. A file named
   * directly must be a bundle; a broken file found in a folder is reported and skipped.
   */
  static async open(paths: string[], onWarning: (message: string) => void = () => undefined): Promise<Library> {
    const byName = new Map<string, LibraryBundle>();
    const add = async (file: string) => {
      const bundle = await Bundle.open(file);
      let name = bundle.name;
      for (let n = 2; byName.has(name); n++) name = `${bundle.name}-${n}`;
      byName.set(name, { name, file, bytes: bundle.source.size, bundle, searcher: new BundleSearcher(bundle) });
    };
    for (const path of paths) {
      const stats = await stat(path).catch(() => undefined);
      if (!stats)
        throw new FerryError('INPUT_MISSING', `"${path}" does not exist. Give bundle files or folders that hold them.`);
      if (!stats.isDirectory()) {
        await add(resolve(path));
        continue;
      }
      const names = bundleFileNames(await readdir(path));
      for (const name of names) {
        await add(resolve(join(path, name))).catch((error: unknown) =>
          onWarning(`skipped ${join(path, name)}: ${describeError(error)}`),
        );
      }
    }
    if (byName.size === 0) {
      throw new FerryError('INPUT_EMPTY', `No bundles found in ${paths.join(', ')}. Make one with "ferry pack".`);
    }
    return new Library(byName);
  }

  get(name: string): LibraryBundle | undefined {
    return this.byName.get(name);
  }

  list(): LibraryBundle[] {
    return [...this.byName.values()];
  }

  async close(): Promise<void> {
    await Promise.all(this.list().map((item) => item.bundle.close()));
  }
}
