import type { Capture } from './captures.js';
import { capturePath, withoutCacheBusting } from './capture-paths.js';

/** A record of the archive: which input, and its number there. */
export interface RecordRef {
  input: number;
  ordinal: number;
}

/** A capture that becomes an entry: a page or asset at `path`, from the bytes of record `source`. */
export interface ChosenEntry {
  path: string;
  url: string;
  /** The Content-Type the capture was sent with (for a revisit, its own, else its payload's). */
  contentType: string | undefined;
  source: RecordRef;
}

export interface ChosenCaptures {
  /** Records whose bytes become entries, each with the entries made of it, in record order. */
  entries: Map<string, ChosenEntry[]>;
  /** Path → path of a page or asset, chains followed. */
  redirects: Map<string, string>;
  /** The bundle path for a link's capture path: itself, or one that differs in cache-busting parameters only. */
  find(path: string): string | undefined;
  /** A path a person names by URL, through redirects. */
  pathOf(url: string): string | undefined;
  counts: { notOk: number; unresolvedRevisits: number; deadRedirects: number; olderCaptures: number };
}

interface Candidate {
  url: string;
  dateMs: number;
  status: number;
  ref: RecordRef;
  contentType: string | undefined;
  /** 3xx: the path it sends to. */
  redirectTo?: string | undefined;
  /** revisit: the digest of its payload, and the capture it names. */
  repeats?: { digest: string | undefined; refersTo: { path: string | undefined; dateMs: number } | undefined };
}

/**
 * A string of its own. Header values are slices of the record's whole header text, and V8 keeps
 * that text alive as long as a slice lives: held per URL, that tripled the memory of a crawl.
 */
function detached<T extends string | undefined>(text: T): T {
  return (text === undefined ? text : Buffer.from(text).toString()) as T;
}

const refKey = (ref: RecordRef) => `${ref.input}:${ref.ordinal}`;

/**
 * Picks, of all captures of each URL, the one a bundle keeps: the latest, or with `at` the one
 * nearest to it. Pages and assets are 2xx captures (a revisit through the payload it repeats,
 * found by digest or by the capture it names, in any input); redirects are 3xx captures with a
 * Location elsewhere. Offer every capture in record order, then call choose().
 */
export class CaptureChooser {
  private readonly best = new Map<string, Candidate>();
  /** Per path, the best capture with its own body: kept when the best one leads nowhere. */
  private readonly fallback = new Map<string, Candidate>();
  /** Payloads by digest: the first 2xx capture with a body, as input × 2³² + ordinal. */
  private readonly payloads = new Map<string, number>();
  private notOk = 0;
  private olderCaptures = 0;

  constructor(private readonly at?: number) {}

  offer(capture: Capture, input: number): void {
    const path = capturePath(capture.url);
    if (path === undefined) return;
    const ref = { input, ordinal: capture.ordinal };
    // A revisit that a server answered "not modified" repeats a 200.
    const status = capture.kind === 'revisit' && capture.status === 304 ? 200 : capture.status;
    if (capture.kind !== 'revisit' && status >= 200 && status < 300) {
      if (capture.digest && !this.payloads.has(capture.digest))
        this.payloads.set(detached(capture.digest), input * 2 ** 32 + capture.ordinal);
    }
    const candidate: Candidate = {
      url: detached(capture.url),
      dateMs: Date.parse(capture.date),
      status,
      ref,
      contentType: detached(capture.contentType),
    };
    if (status >= 300 && status < 400) {
      const target = this.locationPath(capture);
      if (target === undefined || target === path) return void this.notOk++;
      candidate.redirectTo = target;
    } else if (status < 200 || status >= 300) {
      return void this.notOk++;
    }
    if (capture.kind === 'revisit') {
      const { refersTo } = capture;
      candidate.repeats = {
        digest: detached(capture.digest),
        refersTo: refersTo && { path: capturePath(refersTo.url), dateMs: Date.parse(refersTo.date) },
      };
    }
    const previous = this.best.get(path);
    if (previous) this.olderCaptures++;
    if (!previous || this.isBetter(candidate, previous)) this.best.set(path, candidate);
    if (capture.kind !== 'revisit' && candidate.redirectTo === undefined) {
      const ownBody = this.fallback.get(path);
      if (!ownBody || this.isBetter(candidate, ownBody)) this.fallback.set(path, candidate);
    }
  }

  private locationPath(capture: Capture): string | undefined {
    if (!capture.location) return undefined;
    try {
      return capturePath(new URL(capture.location, capture.url).href);
    } catch {
      return undefined;
    }
  }

  /** Nearer to --at, else later; on a tie, the later record. */
  private isBetter(candidate: Candidate, previous: Candidate): boolean {
    if (this.at !== undefined) {
      const distance = Math.abs(candidate.dateMs - this.at) - Math.abs(previous.dateMs - this.at);
      if (distance !== 0) return distance < 0;
    } else if (candidate.dateMs !== previous.dateMs) {
      return candidate.dateMs > previous.dateMs;
    }
    return true; // offered later
  }

  /**
   * The capture whose body a revisit repeats: by digest, else the capture it names (found among
   * the captures with a body of that URL, by its date).
   */
  private payloadOf(repeats: NonNullable<Candidate['repeats']>): { ref: RecordRef; contentType?: string } | undefined {
    const packed = repeats.digest === undefined ? undefined : this.payloads.get(repeats.digest);
    if (packed !== undefined) return { ref: { input: Math.floor(packed / 2 ** 32), ordinal: packed % 2 ** 32 } };
    const named = repeats.refersTo;
    const ownBody = named?.path === undefined ? undefined : this.fallback.get(named.path);
    return ownBody && ownBody.dateMs === named!.dateMs ? ownBody : undefined;
  }

  choose(): ChosenCaptures {
    const counts = { notOk: this.notOk, unresolvedRevisits: 0, deadRedirects: 0, olderCaptures: this.olderCaptures };
    const sources = new Map<string, ChosenEntry[]>();
    const stored = new Set<string>();
    const store = (path: string, candidate: Candidate, source: RecordRef, contentType: string | undefined) => {
      const key = refKey(source);
      const list = sources.get(key) ?? [];
      list.push({ path, url: candidate.url, contentType, source });
      sources.set(key, list);
      stored.add(path);
    };
    const pending = new Map<string, string>();
    for (const [path, candidate] of this.best) {
      if (candidate.redirectTo !== undefined) {
        pending.set(path, candidate.redirectTo);
      } else if (!candidate.repeats) {
        store(path, candidate, candidate.ref, candidate.contentType);
      } else {
        const payload = this.payloadOf(candidate.repeats);
        const ownBody = this.fallback.get(path);
        if (payload) store(path, candidate, payload.ref, candidate.contentType ?? payload.contentType);
        else if (ownBody) store(path, ownBody, ownBody.ref, ownBody.contentType);
        else counts.unresolvedRevisits++;
      }
    }
    const redirects = new Map<string, string>();
    for (const [path, first] of pending) {
      // Follow the chain to a page or asset; a loop or a page not captured ends it.
      let target: string | undefined = first;
      const seen = new Set([path]);
      while (target !== undefined && !stored.has(target) && !seen.has(target)) {
        seen.add(target);
        target = pending.get(target);
      }
      const ownBody = this.fallback.get(path);
      if (target !== undefined && stored.has(target)) redirects.set(path, target);
      else if (ownBody) store(path, ownBody, ownBody.ref, ownBody.contentType);
      else counts.deadRedirects++;
    }
    const entries = new Map(
      [...sources].sort(
        ([, [a]], [, [b]]) => a!.source.input - b!.source.input || a!.source.ordinal - b!.source.ordinal,
      ),
    );
    const has = (path: string) => stored.has(path) || redirects.has(path);
    const byPlainPath = new Map<string, string>();
    for (const path of [...stored, ...redirects.keys()]) {
      const plain = withoutCacheBusting(path);
      if (plain !== path && !byPlainPath.has(plain)) byPlainPath.set(plain, path);
    }
    return {
      entries,
      redirects,
      find: (path) => {
        if (has(path)) return path;
        const plain = withoutCacheBusting(path);
        return has(plain) ? plain : byPlainPath.get(plain);
      },
      pathOf: (url) => {
        const path = capturePath(url);
        if (path === undefined) return undefined;
        return stored.has(path) ? path : redirects.get(path);
      },
      counts,
    };
  }
}

export { refKey };
