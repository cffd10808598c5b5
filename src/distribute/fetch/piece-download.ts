import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { FerryError } from '../../errors.js';
import { fetchRange, SourceRefused, STALL_MS } from './piece-fetch.js';
import { measureLatency, rankSources, type Source } from './source.js';

/** How a file is cut in pieces, and each piece's SHA-256 (from its Metalink). */
export interface PieceLayout {
  size: number;
  pieceLength: number;
  pieceHashes: string[];
}

export interface PieceDownloadOptions {
  /** Requests at once to one source: two keep a link busy while the next piece is asked for. */
  perSource?: number;
  /** Sources asked at once; the others wait to take the place of one dropped. */
  activeSources?: number;
  /** Failures in a row before a source is dropped. */
  retries?: number;
  /** Private-network sources first; the others only once none of those is left. */
  preferLan?: boolean;
  /** ISO 3166-1 alpha-2 code of where this machine is: mirrors the Metalink places there come first. */
  country?: string | undefined;
  stallMs?: number;
  onPiece?: (index: number, source: Source) => void;
  onDrop?: (source: Source) => void;
}

export function pieceRange(layout: PieceLayout, index: number): { start: number; length: number } {
  const start = index * layout.pieceLength;
  return { start, length: Math.min(layout.pieceLength, layout.size - start) };
}

const RETRY_PAUSE_MS = 250;

/**
 * Fetches pieces of one file from several sources at once, each piece checked against its
 * SHA-256 before it is written. Sources pull pieces as they finish, so a fast one takes many and
 * a slow one few; near the end, idle sources fetch again what a slow one still holds, and the
 * first to finish wins. A source that sends wrong bytes is dropped for the rest of the run; one
 * that fails `retries` times in a row is dropped too; the fetch ends when one good source remains
 * to finish it, and fails, naming each source and why, when none does.
 */
export class PieceDownload {
  private ranked: Source[];
  private measured = false;
  private readonly perSource: number;
  private readonly activeSources: number;
  private readonly retries: number;
  private readonly stallMs: number;

  constructor(
    readonly layout: PieceLayout,
    readonly sources: Source[],
    private readonly options: PieceDownloadOptions = {},
  ) {
    this.ranked = rankSources(sources, options.preferLan ?? false, options.country);
    this.perSource = options.perSource ?? 2;
    this.activeSources = options.activeSources ?? 4;
    this.retries = options.retries ?? 3;
    this.stallMs = options.stallMs ?? STALL_MS;
  }

  /** Fetches the pieces listed, handing each to `write` once, checked. */
  async fetch(indices: number[], write: (index: number, data: Buffer) => Promise<void>): Promise<void> {
    // More sources than are asked at once: the nearest are chosen, by a first one-byte request to each.
    if (!this.measured && indices.length > 0 && this.sources.length > this.activeSources) {
      this.measured = true;
      await measureLatency(this.sources);
      this.ranked = rankSources(this.sources, this.options.preferLan ?? false, this.options.country);
    }
    const run = new Run(this, indices, write);
    await run.finished();
  }

  /** The sources that may be asked now: the first few alive, LAN ones only while one is left when preferred. */
  usable(): Source[] {
    let alive = this.ranked.filter((source) => !source.dropped);
    if (this.options.preferLan && alive.some((source) => source.lan)) alive = alive.filter((source) => source.lan);
    return alive.slice(0, this.activeSources);
  }

  settings() {
    return { perSource: this.perSource, retries: this.retries, stallMs: this.stallMs, ...this.options };
  }
}

/** One call of PieceDownload.fetch: the pieces still wanted, those in flight, and the workers. */
class Run {
  private readonly pending: number[];
  /** Attempts under way, by piece; a piece kept leaves this map at once. */
  private readonly inFlight = new Map<number, Map<AbortController, Source>>();
  /** Pieces checked and taken (claimed before their write ends). */
  private readonly done = new Set<number>();
  private written = 0;
  private readonly workers = new Map<Source, number>();
  private readonly total: number;
  private wake: () => void = () => undefined;
  private ended = false;
  private readonly settled: Promise<void>;
  private resolve!: () => void;
  private reject!: (error: Error) => void;

  constructor(
    private readonly download: PieceDownload,
    wanted: number[],
    private readonly write: (index: number, data: Buffer) => Promise<void>,
  ) {
    this.pending = [...new Set(wanted)];
    this.total = this.pending.length;
    this.settled = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    if (this.total === 0) this.finish();
    else this.staff();
  }

  finished(): Promise<void> {
    return this.settled;
  }

  /** Pieces not yet claimed by a checked answer. */
  private get unclaimed(): number {
    return this.total - this.done.size;
  }

  /** Resolved (every piece written) or failed; attempts still under way are aborted. */
  private finish(error?: Error): void {
    if (this.ended) return;
    this.ended = true;
    for (const attempts of this.inFlight.values()) for (const attempt of attempts.keys()) attempt.abort();
    if (error) this.reject(error);
    else this.resolve();
    this.wake();
  }

  /** Starts workers for the usable sources that have fewer than they may; fails when none is left. */
  private staff(): void {
    if (this.ended || this.unclaimed === 0) return;
    const usable = this.download.usable();
    if (usable.length === 0) {
      const why = this.download.sources.map((source) => `${source.url}: ${source.dropped ?? 'not asked'}`);
      return this.finish(
        new FerryError(
          'INPUT_MISSING',
          `No source is left to fetch ${this.unclaimed} pieces (${why.join('; ')}). ` +
            'What was fetched is kept; run again to go on.',
        ),
      );
    }
    const { perSource } = this.download.settings();
    for (const source of usable) {
      while ((this.workers.get(source) ?? 0) < perSource) {
        this.workers.set(source, (this.workers.get(source) ?? 0) + 1);
        void this.work(source)
          // A callback that throws (onPiece, onDrop) ends the run with its error, not the process.
          .catch((error: unknown) => this.finish(error instanceof Error ? error : new Error(String(error))))
          .finally(() => {
            this.workers.set(source, this.workers.get(source)! - 1);
            this.staff();
          });
      }
    }
  }

  /**
   * The next piece for a source: one nobody fetches, else (at the end) one another source alone
   * is fetching, so that a slow source does not hold the last pieces back.
   */
  private next(source: Source): number | undefined {
    const fresh = this.pending.shift();
    if (fresh !== undefined) return fresh;
    let best: number | undefined;
    for (const [index, attempts] of this.inFlight) {
      if (attempts.size > 1 || [...attempts.values()].includes(source)) continue;
      if (best === undefined || index < best) best = index;
    }
    return best;
  }

  /** Resolves at the next piece kept or given back, or when the run ends. */
  private changed(): Promise<void> {
    return new Promise((resolve) => {
      const previous = this.wake;
      this.wake = () => {
        this.wake = () => undefined;
        previous();
        resolve();
      };
    });
  }

  private async work(source: Source): Promise<void> {
    while (!source.dropped && !this.ended && this.unclaimed > 0 && this.download.usable().includes(source)) {
      const index = this.next(source);
      if (index === undefined) {
        await this.changed();
        continue;
      }
      const failed = await this.attempt(source, index);
      // A pause after a failure, so a source that is down is not asked again at once.
      if (failed && !source.dropped) await sleep(RETRY_PAUSE_MS * source.failures);
    }
  }

  /** Fetches one piece from one source, checks and writes it; true when the source failed. */
  private async attempt(source: Source, index: number): Promise<boolean> {
    const controller = new AbortController();
    const attempts = this.inFlight.get(index) ?? new Map<AbortController, Source>();
    attempts.set(controller, source);
    this.inFlight.set(index, attempts);
    const received = await this.receive(source, index, controller);
    attempts.delete(controller);
    if (attempts.size === 0 && this.inFlight.get(index) === attempts) this.inFlight.delete(index);
    if ('data' in received && !this.done.has(index) && !this.ended) await this.keep(source, index, received.data);
    // Given back for another source, unless taken or still fetched elsewhere.
    if (!this.done.has(index) && !this.inFlight.has(index) && !this.pending.includes(index))
      this.pending.unshift(index);
    this.wake();
    return 'failed' in received;
  }

  private async receive(
    source: Source,
    index: number,
    controller: AbortController,
  ): Promise<{ data: Buffer } | { failed: true } | { aborted: true }> {
    const { start, length } = pieceRange(this.download.layout, index);
    const began = performance.now();
    try {
      const { data, latencyMs } = await fetchRange(
        source.url,
        start,
        length,
        controller.signal,
        this.download.settings().stallMs,
      );
      source.latencyMs ??= latencyMs;
      source.busyMs += performance.now() - began;
      return { data };
    } catch (error) {
      if (controller.signal.aborted) return { aborted: true };
      if (error instanceof SourceRefused) this.dropSource(source, error.message);
      else if (++source.failures >= this.download.settings().retries)
        this.dropSource(source, `it failed ${source.failures} times in a row (${(error as Error).message})`);
      return { failed: true };
    }
  }

  /** A received piece: written when its hash is right, else its source is dropped. */
  private async keep(source: Source, index: number, data: Buffer): Promise<void> {
    if (createHash('sha256').update(data).digest('hex') !== this.download.layout.pieceHashes[index]) {
      return this.dropSource(source, `it sent bytes that do not match the piece hashes (piece ${index})`);
    }
    this.done.add(index);
    // The other attempts at it stop, and no source picks it again.
    for (const other of this.inFlight.get(index)?.keys() ?? []) other.abort();
    this.inFlight.delete(index);
    source.failures = 0;
    source.pieces++;
    source.bytes += data.length;
    try {
      await this.write(index, data);
    } catch (error) {
      // A full disk, say: no source can mend it.
      return this.finish(error as Error);
    }
    this.download.settings().onPiece?.(index, source);
    if (++this.written === this.total) this.finish();
  }

  private dropSource(source: Source, reason: string): void {
    if (source.dropped) return;
    source.drop(reason);
    this.download.settings().onDrop?.(source);
    this.staff();
  }
}
