import { isLanHost } from './lan.js';
import { NO_RANGES } from './piece-fetch.js';

/** One place the file can be fetched from, and how it has done so far. */
export class Source {
  /** Pieces it sent that were kept (checked, and first). */
  pieces = 0;
  bytes = 0;
  /** Time spent receiving, for its throughput. */
  busyMs = 0;
  /** Time to the first byte of its first answer. */
  latencyMs: number | undefined;
  /** Failures in a row; a good piece sets it back to 0. */
  failures = 0;
  /** Why it is no longer asked, when it is not. */
  dropped: string | undefined;
  readonly lan: boolean;

  constructor(
    readonly url: string,
    /** 1 is the most preferred, as in a Metalink. */
    readonly priority = 1,
    readonly location?: string,
  ) {
    this.lan = isLanHost(new URL(url).hostname);
  }

  /** Bytes a second while receiving, 0 before its first piece. */
  get throughput(): number {
    return this.busyMs > 0 ? (this.bytes * 1000) / this.busyMs : 0;
  }

  drop(reason: string): void {
    this.dropped ??= reason;
  }
}

/**
 * Latencies alike for ranking: within one band of 0–10, 10–30, 30–70, 70–150 ms and so on, each
 * twice the last, so that 41.4 and 41.5 ms count as the same distance and hints can decide.
 */
function latencyBand(source: Source): number {
  return source.latencyMs === undefined ? Number.POSITIVE_INFINITY : Math.floor(Math.log2(1 + source.latencyMs / 10));
}

/**
 * Sources in the order to try them: LAN ones first when asked; then the nearest, by the latency
 * measured (in bands; those that did not answer last); then, as hints, those the Metalink places
 * in the client's country, the latency itself, and the priority the Metalink gives.
 */
export function rankSources(sources: Source[], preferLan: boolean, country?: string): Source[] {
  const latency = (source: Source) => source.latencyMs ?? Number.POSITIVE_INFINITY;
  const abroad = (source: Source) => Number(!country || source.location !== country.toLowerCase());
  return [...sources].sort(
    (a, b) =>
      (preferLan ? Number(b.lan) - Number(a.lan) : 0) ||
      latencyBand(a) - latencyBand(b) ||
      abroad(a) - abroad(b) ||
      latency(a) - latency(b) ||
      a.priority - b.priority,
  );
}

/** Time for each source to answer a one-byte Range request, asked of all at once. */
export async function measureLatency(sources: Source[], timeoutMs = 2000): Promise<void> {
  await Promise.all(
    sources.map(async (source) => {
      const began = performance.now();
      try {
        const response = await fetch(source.url, {
          headers: { Range: 'bytes=0-0' },
          signal: AbortSignal.timeout(timeoutMs),
        });
        await response.body?.cancel();
        if (response.status === 206) source.latencyMs = performance.now() - began;
      } catch {
        // Unanswered: ranked last, and still asked if the others go.
      }
    }),
  );
}

/** A source that can send the file only whole (no Range requests), when no source sent a piece. */
export function wholeFileSource(sources: Source[]): Source | undefined {
  if (sources.some((source) => source.pieces > 0)) return undefined;
  return sources.find((source) => source.dropped === NO_RANGES);
}
