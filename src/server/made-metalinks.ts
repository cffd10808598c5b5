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

/** How long a request waits for a Metalink being made before it is told to come back. */
const WAIT_MS = 2000;
const KEPT_IN_MEMORY = 16;

/**
 * Metalinks of bundles that were not published (copied from a stick, packed here): made from
 * the bundle's bytes once per edition, one at a time so the disk stays free for readers, and kept
 * in the cache folder. With one, every ferry library can be one of many sources of its bundles.
 */
export class MadeMetalinks {
  private readonly made = new BudgetedLru<string, Promise<string>>(KEPT_IN_MEMORY, textBytes);
  private readonly hashing = new TaskLimit(1);

  constructor(private readonly folder: string | undefined) {}

  /** The bundle's Metalink (no URL in it yet), or undefined while it is still being made. */
  async get(item: LibraryBundle): Promise<string | undefined> {
    const key = createHash('sha256').update(`${item.file}\0${item.stamp}`).digest('hex').slice(0, 32);
    const making = this.made.remember(key, () => this.load(key, item));
    return Promise.race([making, sleep(WAIT_MS).then(() => undefined)]);
  }

  private async load(key: string, item: LibraryBundle): Promise<string> {
    const path = this.folder && join(this.folder, 'metalinks', `${key}.meta4`);
    const kept = path && (await readFile(path, 'utf8').catch(() => undefined));
    if (kept) return kept;
    const text = await this.hashing.run(() => this.make(item));
    if (path) {
      await mkdir(join(this.folder!, 'metalinks'), { recursive: true });
      await writeFileAtomically(path, text).catch(() => undefined); // without it, made again next start
    }
    return text;
  }

  /** Reads the file on a handle of its own: the library may close the bundle's while this runs. */
  private async make(item: LibraryBundle): Promise<string> {
    const source = await openByteSource(item.file);
    try {
      const hashes = await hashChunks(source.createReadStream(0, source.size), source.size);
      // A file replaced while it was read gives no Metalink at all rather than a wrong one.
      if ((await stampOf(item.file)).stamp !== item.stamp) throw new Error(`${item.file} changed while it was hashed`);
      return metalink(`${item.name}.ferry`, hashes, { mirrors: [], trackers: [], torrent: false });
    } finally {
      await source.close();
    }
  }
}
