import type { Manifest } from '../bundle/manifest.js';
import { Bundle } from '../bundle/reader.js';
import { TaskLimit } from '../bundle/task-limit.js';
import { FerryError } from '../errors.js';
import { isOutOfHandles } from './bundle-files.js';
import type { LibraryBundle } from './library-bundle.js';

/** Descriptors left for connections, the access log and the server's own files. */
export const HANDLE_HEADROOM = 100;
/** A bundle no request has used for this long gives its file back. */
export const IDLE_CLOSE_MS = 5 * 60_000;
const SWEEP_MS = 30_000;
/** Files opened at once: enough to keep the disk busy when a library-wide search opens them all. */
const OPEN_AT_ONCE = 32;

function tooManyOpen(cause: unknown): FerryError {
  return new FerryError(
    'SERVER_BUSY',
    'The server has too many files open to open this bundle now. Try again in a moment.',
    { cause },
  );
}

/**
 * Which bundles of a library have their files open. A bundle opens when a request needs it and
 * closes when it has been idle a while, or sooner when the limit is reached: the one used longest
 * ago first, never one a request holds. While every open one is held, no more open (SERVER_BUSY).
 */
export class OpenBundles {
  private readonly items = new Set<LibraryBundle>();
  /** Files opened by read() and not yet attached or discarded: they count against the limit too. */
  private reserved = 0;
  private readonly tasks = new TaskLimit(OPEN_AT_ONCE);
  private readonly sweep: NodeJS.Timeout;

  constructor(
    /** At most this many bundles open at once while some of them are idle. */
    private readonly maxOpen: number,
    idleMs = IDLE_CLOSE_MS,
  ) {
    this.sweep = setInterval(() => void this.closeIdle(Date.now() - idleMs), Math.min(SWEEP_MS, idleMs));
    this.sweep.unref();
  }

  get count(): number {
    return this.items.size;
  }

  get limit(): number {
    return this.maxOpen;
  }

  /**
   * Opens a bundle file, making room first when the limit is reached. The bundle is then either
   * attached to its library item or discarded.
   */
  read(file: string): Promise<Bundle> {
    return this.tasks.run(async () => {
      this.reserved++;
      const over = this.items.size + this.reserved - this.maxOpen;
      // Past the limit only by closing idle ones: a descriptor more would be one less for the
      // connections, the log and the server's own code.
      if (over > 0 && (await this.closeLeastUsed(over)) < over) {
        this.reserved--;
        throw tooManyOpen(undefined);
      }
      try {
        return await this.openOrMakeRoom(file);
      } catch (error) {
        this.reserved--;
        throw error;
      }
    });
  }

  /**
   * A bundle's manifest, the file opened and closed again at once. Not counted against the limit:
   * at most 32 are open this way, within the descriptors kept free.
   */
  manifestOf(file: string): Promise<Manifest> {
    return this.tasks.run(async () => {
      const bundle = await Bundle.open(file);
      await bundle.close();
      return bundle.manifest;
    });
  }

  private async openOrMakeRoom(file: string): Promise<Bundle> {
    try {
      return await Bundle.open(file);
    } catch (error) {
      if (!isOutOfHandles(error)) throw error;
      // Downloads and connections took the rest: idle bundles give theirs back, once.
      if ((await this.closeLeastUsed(HANDLE_HEADROOM)) === 0) throw tooManyOpen(error);
      return await Bundle.open(file).catch((again: unknown) => {
        throw isOutOfHandles(again) ? tooManyOpen(again) : again;
      });
    }
  }

  /** Gives a bundle read() opened to its item. */
  attach(item: LibraryBundle, bundle: Bundle): void {
    this.reserved--;
    item.attach(bundle);
    item.lastUsed = Date.now();
    this.items.add(item);
  }

  /** Closes a bundle read() opened that no item takes. */
  async discard(bundle: Bundle): Promise<void> {
    this.reserved--;
    await bundle.close().catch(() => undefined);
  }

  async detach(item: LibraryBundle): Promise<void> {
    this.items.delete(item);
    await item.detach();
  }

  private async closeIdle(usedBefore: number): Promise<void> {
    const idle = [...this.items].filter((item) => item.users === 0 && item.lastUsed < usedBefore);
    await Promise.all(idle.map((item) => this.detach(item)));
  }

  /** Closes up to `count` idle bundles, those used longest ago first; how many it closed. */
  private async closeLeastUsed(count: number): Promise<number> {
    const idle = [...this.items]
      .filter((item) => item.users === 0)
      .sort((a, b) => a.lastUsed - b.lastUsed)
      .slice(0, count);
    await Promise.all(idle.map((item) => this.detach(item)));
    return idle.length;
  }

  async closeAll(): Promise<void> {
    clearInterval(this.sweep);
    await Promise.all([...this.items].map((item) => this.detach(item)));
  }
}
