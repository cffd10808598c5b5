import { FerryError } from '../../errors.js';

/** A source that answered in a way no retry will mend: it is dropped at once. */
export class SourceRefused extends Error {}

/** Why a server that sends whole files only is dropped from a transfer in pieces. */
export const NO_RANGES = 'it does not answer Range requests';

/** Without a byte for this long, a transfer is taken as cut. */
export const STALL_MS = 15_000;

export interface FetchedPiece {
  data: Buffer;
  /** Until the answer's headers came. */
  latencyMs: number;
}

/**
 * One Range request for [start, start + length): the bytes, or an error. `signal` aborts it
 * (another source sent the piece first); a transfer that stalls is aborted too.
 */
export async function fetchRange(
  url: string,
  start: number,
  length: number,
  signal: AbortSignal,
  stallMs = STALL_MS,
): Promise<FetchedPiece> {
  const stall = new AbortController();
  const both = AbortSignal.any([signal, stall.signal]);
  let timer = setTimeout(() => stall.abort(), stallMs);
  const began = performance.now();
  try {
    const response = await fetch(url, { headers: { Range: `bytes=${start}-${start + length - 1}` }, signal: both });
    const latencyMs = performance.now() - began;
    if (response.status === 404 || response.status === 410) {
      await response.body?.cancel();
      throw new SourceRefused(`it does not have the file (${response.status})`);
    }
    if (response.status === 200) {
      await response.body?.cancel();
      throw new SourceRefused(NO_RANGES);
    }
    if (response.status !== 206) {
      await response.body?.cancel();
      throw new Error(`HTTP ${response.status}`);
    }
    const range = /^bytes (\d+)-(\d+)\//.exec(response.headers.get('content-range') ?? '');
    if (!range || Number(range[1]) !== start || Number(range[2]) !== start + length - 1) {
      await response.body?.cancel();
      throw new SourceRefused(`it answered another range (${response.headers.get('content-range') ?? 'none'})`);
    }
    const chunks: Buffer[] = [];
    let received = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      clearTimeout(timer);
      timer = setTimeout(() => stall.abort(), stallMs);
      chunks.push(Buffer.from(chunk));
      received += chunk.length;
      if (received > length) throw new SourceRefused('it sent more bytes than the range');
    }
    if (received !== length) throw new Error(`the transfer stopped at ${received} of ${length} bytes`);
    return { data: Buffer.concat(chunks, length), latencyMs };
  } catch (error) {
    if (stall.signal.aborted && !signal.aborted) throw new Error(`no byte came for ${stallMs / 1000} s`);
    if (error instanceof SourceRefused || error instanceof FerryError) throw error;
    throw error instanceof Error ? error : new Error(String(error));
  } finally {
    clearTimeout(timer);
  }
}
