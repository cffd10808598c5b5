import { createHash } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import { FerryError } from '../errors.js';

export const ILLUSTRATION_SIZE = 48;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Checks that a file is the 48×48 PNG that catalogs expect, and says what is wrong if not. */
export function checkIllustration(data: Buffer, label: string): void {
  if (data.length < 24 || !data.subarray(0, 8).equals(PNG_SIGNATURE) || data.toString('latin1', 12, 16) !== 'IHDR') {
    throw new FerryError('INPUT_INVALID', `--illustration "${label}" is not a PNG file. Give a 48x48 PNG.`);
  }
  const width = data.readUInt32BE(16);
  const height = data.readUInt32BE(20);
  if (width !== ILLUSTRATION_SIZE || height !== ILLUSTRATION_SIZE) {
    throw new FerryError('INPUT_INVALID', `--illustration "${label}" is ${width}x${height}; it must be 48x48 pixels.`);
  }
}

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])) >>> 0);
  return Buffer.concat([head, body, checksum]);
}

/** A plain 48×48 tile coloured from the bundle name, so every bundle has a recognisable card. */
export function defaultIllustration(name: string): Buffer {
  const [red = 0, green = 0, blue = 0] = createHash('sha256').update(name).digest();
  const size = ILLUSTRATION_SIZE;
  const rows = Buffer.alloc(size * (1 + size * 3));
  for (let y = 0; y < size; y++) {
    const row = y * (1 + size * 3);
    for (let x = 0; x < size; x++) {
      const edge = x < 3 || y < 3 || x >= size - 3 || y >= size - 3;
      const shade = edge ? 0.6 : 1;
      rows[row + 1 + x * 3] = Math.round((96 + (red % 128)) * shade);
      rows[row + 2 + x * 3] = Math.round((96 + (green % 128)) * shade);
      rows[row + 3 + x * 3] = Math.round((96 + (blue % 128)) * shade);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(2, 9); // truecolour RGB
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
