import { FerryError } from '../errors.js';

/** A growing byte buffer for writing varints, strings and fixed-size integers. */
export class ByteWriter {
  private buffer: Buffer;
  length = 0;

  /** `initialBytes`: a shard starts at 64 KB; the postings of one term block need far less. */
  constructor(initialBytes = 64 * 1024) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  private room(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.alloc(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  /** An unsigned integer, 7 bits per byte, low bits first (LEB128). */
  varint(value: number): void {
    this.room(8);
    while (value >= 0x80) {
      this.buffer[this.length++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.buffer[this.length++] = value;
  }

  byte(value: number): void {
    this.room(1);
    this.buffer[this.length++] = value;
  }

  uint16(value: number): void {
    this.room(2);
    this.length = this.buffer.writeUInt16LE(value, this.length);
  }

  uint32(value: number): void {
    this.room(4);
    this.length = this.buffer.writeUInt32LE(value, this.length);
  }

  /** Bytes as they are. */
  raw(bytes: Buffer): void {
    this.room(bytes.length);
    bytes.copy(this.buffer, this.length);
    this.length += bytes.length;
  }

  /** A UTF-8 string after its byte length as a varint. */
  string(text: string | Buffer): void {
    const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    this.varint(bytes.length);
    this.room(bytes.length);
    bytes.copy(this.buffer, this.length);
    this.length += bytes.length;
  }

  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

/** Reads what ByteWriter wrote, refusing to run past the end: a bad shard is an error, not a crash. */
export class ByteReader {
  position = 0;

  constructor(
    private readonly buffer: Buffer,
    private readonly label: string,
  ) {}

  get done(): boolean {
    return this.position >= this.buffer.length;
  }

  private fail(): never {
    throw new FerryError('BUNDLE_CORRUPT', `${this.label} is cut short or damaged.`);
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const byte = this.buffer[this.position++];
      if (byte === undefined) this.fail();
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
    }
    this.fail();
  }

  uint16(): number {
    if (this.position + 2 > this.buffer.length) this.fail();
    const value = this.buffer.readUInt16LE(this.position);
    this.position += 2;
    return value;
  }

  uint32(): number {
    if (this.position + 4 > this.buffer.length) this.fail();
    const value = this.buffer.readUInt32LE(this.position);
    this.position += 4;
    return value;
  }

  byte(): number {
    const byte = this.buffer[this.position++];
    if (byte === undefined) this.fail();
    return byte;
  }

  /** A string's raw UTF-8 bytes, for comparing without decoding. */
  stringBytes(): Buffer {
    const length = this.varint();
    if (this.position + length > this.buffer.length) this.fail();
    const bytes = this.buffer.subarray(this.position, this.position + length);
    this.position += length;
    return bytes;
  }

  string(): string {
    return this.stringBytes().toString('utf8');
  }
}
