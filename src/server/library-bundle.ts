import type { Bundle } from '../bundle/reader.js';
import type { Manifest } from '../bundle/manifest.js';
import type { BundleSearcher } from '../search/searcher.js';

let searchModule: Promise<typeof import('../search/searcher.js')> | undefined;
/** The search code (stemmers, the HTML parser for snippets), loaded at the first search, not at start. */
export const searchCode = () => (searchModule ??= import('../search/searcher.js'));

/**
 * One bundle of a library. At rest it is its manifest and where its file is, which is all the
 * library page needs; its file is opened when a request reads it and closed again when it has
 * been idle a while, so a library of a thousand bundles holds neither a thousand descriptors nor
 * a thousand indexes.
 */
export class LibraryBundle {
  /** Requests using it now; it is not closed while one does. */
  users = 0;
  /** Taken out of the library (removed or replaced); it closes when the last request ends. */
  retired = false;
  /** When the file's path was last compared with `stamp`. */
  checkedAt = Date.now();
  /** When a replacement that does not open was last reported. */
  warnedAt = 0;
  /** The stamp of that replacement. */
  failedStamp: string | undefined;
  /** When a request last took or let go of it. */
  lastUsed = Date.now();
  private opened: Bundle | undefined;
  private search: Promise<BundleSearcher> | undefined;

  constructor(
    /** The name in URLs: the bundle's own name, made unique within the library. */
    readonly name: string,
    readonly file: string,
    /** The file's size (all parts of a split bundle). */
    readonly bytes: number,
    /** Size, time and inode of the file (or of every part): a change means it was replaced. */
    readonly stamp: string,
    readonly manifest: Manifest,
  ) {}

  get isOpen(): boolean {
    return this.opened !== undefined;
  }

  /** The open bundle; only while a request holds it (Library.hold, until release). */
  get bundle(): Bundle {
    if (!this.opened) throw new Error(`internal: ${this.name} was read while its file was closed`);
    return this.opened;
  }

  /** Search in this bundle, its code loaded at the first search of the server. */
  searcher(): Promise<BundleSearcher> {
    const bundle = this.bundle;
    this.search ??= searchCode().then(({ BundleSearcher }) => new BundleSearcher(bundle, this.name));
    return this.search;
  }

  attach(bundle: Bundle): void {
    this.opened = bundle;
  }

  /** Closes the file and forgets what was read from it; it opens again at the next request. */
  async detach(): Promise<void> {
    const bundle = this.opened;
    this.opened = undefined;
    this.search = undefined;
    // A file that fails to close is let go all the same.
    await bundle?.close().catch(() => undefined);
  }
}
