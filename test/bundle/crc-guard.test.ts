import { Readable } from 'node:stream';
import { crc32, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crcGuard, deflatedCrcGuard } from '../../src/bundle/crc-guard.js';

const frame = { head: Buffer.from('HEAD'), tail: Buffer.from('TAIL') };
const damaged = () => new Error('damaged');

/** Reads a stream to its end within a second: what it gave, and how it ended. */
async function drain(stream: Readable): Promise<{ bytes: Buffer; error?: string }> {
  const chunks: Buffer[] = [];
  const reading = (async () => {
    try {
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return { bytes: Buffer.concat(chunks) };
    } catch (error) {
      return { bytes: Buffer.concat(chunks), error: (error as Error).message };
    }
  })();
  const late = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the stream hung')), 1000));
  return Promise.race([reading, late]);
}

function pieces(bytes: Buffer, size = 1000): Readable {
  const list: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) list.push(bytes.subarray(at, at + size));
  return Readable.from(list);
}

describe('the CRC guards of streamed entries', () => {
  const content = Buffer.from('All happy families are alike. '.repeat(2000));
  const expected = { crc32: crc32(content), size: content.length };

  it('pass a good entry through whole', async () => {
    expect((await drain(pieces(content).pipe(crcGuard(expected, damaged)))).bytes.equals(content)).toBe(true);
    const raw = deflateRawSync(content);
    const out = await drain(deflatedCrcGuard(pieces(raw), expected, frame, damaged));
    expect(out.bytes.equals(Buffer.concat([frame.head, raw, frame.tail]))).toBe(true);
  });

  it('fail a damaged entry before its last chunk', async () => {
    const wrong = Buffer.from(content);
    wrong[5000] = 0x21;
    const out = await drain(pieces(wrong).pipe(crcGuard(expected, damaged)));
    expect(out.error).toBe('damaged');
    expect(out.bytes.length).toBeLessThan(content.length);
  });

  it('fail, never hang, on a deflate stream zlib cannot read, with no trailer sent', async () => {
    const raw = deflateRawSync(content);
    for (const at of [0, 40, Math.floor(raw.length / 2)]) {
      const bad = Buffer.from(raw);
      bad.fill(0xff, at, at + 40);
      const out = await drain(deflatedCrcGuard(pieces(bad), expected, frame, damaged));
      expect(out.error, `bytes ${at}-${at + 40} spoiled`).toBe('damaged');
      expect(out.bytes.subarray(-4).equals(frame.tail)).toBe(false);
    }
  });

  it('stop inflating a stream that grows past its recorded size', async () => {
    const out = await drain(
      deflatedCrcGuard(pieces(deflateRawSync(content)), { ...expected, size: 100 }, frame, damaged),
    );
    expect(out.error).toBe('damaged');
  });
});
