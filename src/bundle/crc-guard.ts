import { pipeline, Transform, type Readable } from 'node:stream';
import { crc32, createInflateRaw } from 'node:zlib';

/**
 * Passes an entry's content through, holding the last chunk back until the CRC-32 and length of
 * the whole are known to match: a reader of a damaged entry gets an error, never every byte.
 */
export function crcGuard(expected: { crc32: number; size: number }, damaged: () => Error): Transform {
  let crc = 0;
  let length = 0;
  let held: Buffer | undefined;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      crc = crc32(chunk, crc);
      length += chunk.length;
      const previous = held;
      held = chunk;
      done(null, previous);
    },
    flush(done) {
      if (crc >>> 0 !== expected.crc32 >>> 0 || length !== expected.size) return done(damaged());
      done(null, held);
    },
  });
}

/**
 * Passes a raw deflate stream through between `head` and `tail` (a gzip header and trailer) while
 * inflating a copy to check its CRC-32, holding the last chunk back until it matches; `tail`
 * follows only a good stream, and `head` only once the first bytes were read.
 */
export function deflatedCrcGuard(
  raw: Readable,
  expected: { crc32: number; size: number },
  frame: { head: Buffer; tail: Buffer },
  damaged: () => Error,
): Readable {
  const inflater = createInflateRaw();
  let crc = 0;
  let length = 0;
  let failed = false;
  inflater.on('data', (chunk: Buffer) => {
    crc = crc32(chunk, crc);
    length += chunk.length;
    // More than recorded is already wrong: stop inflating a bomb early.
    if (length > expected.size) inflater.destroy(damaged());
  });

  const ended = new Promise<void>((resolve) => inflater.once('close', resolve));
  let held: Buffer | undefined;
  const guard = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      inflater.write(chunk, () => {
        if (failed) return done(damaged());
        const previous = held ?? frame.head;
        held = chunk;
        done(null, previous);
      });
    },
    flush(done) {
      inflater.end();
      void ended.then(() => {
        if (failed || crc >>> 0 !== expected.crc32 >>> 0 || length !== expected.size) return done(damaged());
        done(null, Buffer.concat(held ? [held, frame.tail] : [frame.head, frame.tail]));
      });
    },
    destroy(error, done) {
      inflater.destroy();
      done(error);
    },
  });
  // zlib calls no pending write callback when the data is bad: fail the stream from here.
  inflater.on('error', () => {
    failed = true;
    guard.destroy(damaged());
  });
  pipeline(raw, guard, () => undefined);
  return guard;
}
