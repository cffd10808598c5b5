import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openByteSource } from '../bundle/parts.js';
import { TaskLimit } from '../bundle/task-limit.js';
import { BudgetedLru, textBytes } from '../cache-budget.js';
import { writeFileAtomically } from '../distribute/file-writes.js';
import { hashChunks } from '../distribute/pieces.js';
import { metalink } from '../distribute/publish.js';
import { stampOf } from './bundle-files.js';
import type { LibraryBundle } from './library-bundle.js';

/** How long a request waits for the Metalink being made for it before it is told to come back. */
const WAIT_MS = 2000;
const KEPT_IN_MEMORY = 16;
/** Bundles waiting to be hashed at most; past it a request is told to come back, nothing queued. */
const MAX_WAITING = 64;

/**
 * Metalinks of bundles that were not published (copied from a stick, packed here): made from
 * the bundle's bytes once per edition, one at a time so the disk stays free for readers, and kept
 * in the cache folder. With one, every ferry library can be one of many sources of its bundles.
 */
export class MadeMetalinks {
  /** Finished ones; a few, within the cache budget. */
  private readonly made = new BudgetedLru<string, string>(KEPT_IN_MEMORY, textBytes);
  /** Those being hashed or waiting to be: never forgotten before they end, or one could be hashed twice. */
  private readonly jobs = new Map<string, Promise<string>>();
  private readonly hashing = new TaskLimit(1);
  /** The one being hashed now. */
  private current: string | undefined;

  constructor(private readonly folder: string | undefined) {}

  /**
   * The bundle's Metalink (no URL in it yet), or undefined while it is still being made: a request
   * waits up to 2 s for its own bundle's, and not at all behind another's.
   */
  async get(item: LibraryBundle): Promise<string | undefined> {
    const key = createHash('sha256').update(`${item.file}\0${item.stamp}`).digest('hex').slice(0, 32);
    const done = this.made.get(key) ?? (await this.kept(key));
    if (done) return done;
    let job = this.jobs.get(key);
    if (!job) {
      if (this.jobs.size >= MAX_WAITING) return undefined;
      job = this.hashing.run(() => this.make(key, item));
      this.jobs.set(key, job);
      job.then(
        (text) => this.made.set(key, text),
        () => undefined, // asked again, it is made again
      );
      void job.catch(() => undefined).finally(() => this.jobs.delete(key));
    }
    if (this.current !== undefined && this.current !== key) return undefined;
    return Promise.race([job, sleep(WAIT_MS).then(() => undefined)]);
  }

  private path(key: string): string | undefined {
    return this.folder && join(this.folder, 'metalinks', `${key}.meta4`);
  }

  private async kept(key: string): Promise<string | undefined> {
    const path = this.path(key);
    return path && (await readFile(path, 'utf8').catch(() => undefined));
  }

  /** Reads the file on a handle of its own: the library may close the bundle's while this runs. */
  private async make(key: string, item: LibraryBundle): Promise<string> {
    this.current = key;
    try {
      const source = await openByteSource(item.file);
      let text: string;
      try {
        const hashes = await hashChunks(source.createReadStream(0, source.size), source.size);
        // A file replaced while it was read gives no Metalink at all rather than a wrong one.
        if ((await stampOf(item.file)).stamp !== item.stamp)
          throw new Error(`${item.file} changed while it was hashed`);
        text = metalink(`${item.name}.ferry`, hashes, { mirrors: [], trackers: [], torrent: false });
      } finally {
        await source.close();
      }
      const path = this.path(key);
      // Without the cache folder it is made again at the next start, no worse.
      if (path) {
        await mkdir(join(this.folder!, 'metalinks'), { recursive: true })
          .then(() => writeFileAtomically(path, text))
          .catch(() => undefined);
      }
      return text;
    } finally {
      this.current = undefined;
    }
  }
}
