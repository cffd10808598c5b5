import { readFileSync } from 'node:fs';

/** A file whose descriptor the pool may close while nothing reads from it. */
export interface PooledFile {
  /** Readers holding the descriptor now; the pool closes only files with none. */
  readonly users: number;
  closeIdle(): Promise<void>;
}

/**
 * At most `limit` bundle files open at once, across the whole process: a library of a thousand
 * bundles would otherwise hold a thousand descriptors, past a small board's limit (often 1024,
 * sockets included). The file read longest ago with no reader is closed to make room; it opens
 * again at its next read.
 */
export class HandlePool {
  /** Open files, the one used longest ago first. */
  private readonly open = new Set<PooledFile>();

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.open.size;
  }

  /** Makes room for one more open file. When every open file is being read, it goes over the limit for a while. */
  async makeRoom(): Promise<void> {
    for (const candidate of this.open) {
      if (this.open.size < this.limit) break;
      if (candidate.users > 0) continue;
      this.open.delete(candidate);
      await candidate.closeIdle();
    }
  }

  /** Marks a file as open and just used. */
  touch(file: PooledFile): void {
    this.open.delete(file);
    this.open.add(file);
  }

  forget(file: PooledFile): void {
    this.open.delete(file);
  }
}

/**
 * Bundle files a process keeps open at most: a quarter of its open-file limit (the rest is for
 * sockets, logs and workers), at most 256. Linux tells the limit in /proc; elsewhere 256.
 */
export function openFileLimit(limits: string | undefined): number {
  const soft = Number(/^Max open files\s+(\d+)/m.exec(limits ?? '')?.[1]);
  return Number.isFinite(soft) && soft > 0 ? Math.max(8, Math.min(256, Math.floor(soft / 4))) : 256;
}

function processLimits(): string | undefined {
  try {
    return readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return undefined;
  }
}

export const bundleFiles = new HandlePool(openFileLimit(processLimits()));
