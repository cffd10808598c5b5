import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkManifest, type Manifest } from '../bundle/manifest.js';

/** Bumped when what is stored changes: a cache of another layout is ignored, not misread. */
const LAYOUT = 1;

interface Stored {
  stamp: string;
  manifest: Manifest;
}

/** What the cache needs of a library bundle. */
export interface Cacheable {
  file: string;
  stamp: string;
  manifest: Manifest;
}

/**
 * The manifests of a library's bundles, kept on disk between starts: a library of a thousand
 * bundles then starts by looking at its files' sizes and times, without opening one. An entry
 * counts only for the same file of the same size, time and inode; anything else is read again.
 */
export class ManifestCache {
  private constructor(
    private readonly file: string | undefined,
    private readonly entries: Map<string, Stored>,
  ) {}

  /** No cache: every manifest is read from its bundle. */
  static none(): ManifestCache {
    return new ManifestCache(undefined, new Map());
  }

  /** The cache kept in `file`; a missing, unreadable or foreign file is an empty cache. */
  static async load(file: string): Promise<ManifestCache> {
    const entries = new Map<string, Stored>();
    try {
      const stored = JSON.parse(await readFile(file, 'utf8')) as { layout?: number; bundles?: Record<string, Stored> };
      if (stored.layout === LAYOUT)
        for (const [path, entry] of Object.entries(stored.bundles ?? {})) entries.set(path, entry);
    } catch {
      // Read again from the bundles, and written anew.
    }
    return new ManifestCache(file, entries);
  }

  /** The manifest of `file` as it was when it had this stamp, checked as a bundle's own is. */
  get(file: string, stamp: string): Manifest | undefined {
    const entry = this.entries.get(file);
    if (entry?.stamp !== stamp) return undefined;
    try {
      return checkManifest(entry.manifest, file);
    } catch {
      return undefined;
    }
  }

  /**
   * Keeps the manifests of these bundles (only these) on disk, when they are not what the file
   * holds already; the file is replaced whole, never half-written.
   */
  async save(items: Cacheable[]): Promise<void> {
    const same =
      items.length === this.entries.size &&
      items.every((item) => {
        const kept = this.entries.get(item.file);
        return kept?.stamp === item.stamp && kept.manifest.contentDigest === item.manifest.contentDigest;
      });
    if (same) return;
    const entries = new Map(items.map((item) => [item.file, { stamp: item.stamp, manifest: item.manifest }]));
    if (this.file) {
      const text = JSON.stringify({ layout: LAYOUT, bundles: Object.fromEntries(entries) });
      await mkdir(dirname(this.file), { recursive: true });
      const temporary = `${this.file}.${process.pid}.tmp`;
      await writeFile(temporary, text);
      await rename(temporary, this.file);
    }
    // Only once written: a write that failed is tried again at the next change.
    this.entries.clear();
    for (const [file, entry] of entries) this.entries.set(file, entry);
  }
}

/**
 * Where a library's manifests are kept: systemd's CacheDirectory when the server runs as a
 * service (the library folder itself is read-only there), else the user's cache folder. One file
 * per set of library paths, so two servers of different folders do not undo each other's.
 */
export function manifestCacheFile(paths: string[], env: NodeJS.ProcessEnv = process.env): string {
  const folder = env.CACHE_DIRECTORY?.split(':')[0] || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'ferry');
  const key = createHash('sha256').update(paths.join('\0')).digest('hex').slice(0, 16);
  return join(folder, `library-${key}.json`);
}
