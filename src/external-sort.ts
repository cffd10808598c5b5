import { SpillFile } from './spill-file.js';

/** Sorted runs are this large in memory before they go to disk. */
const DEFAULT_RUN_BYTES = 32 * 1024 * 1024;
const READ_BYTES = 256 * 1024;
const WRITE_BYTES = 1024 * 1024;
const FIRST_ARENA_BYTES = 1024 * 1024;

interface Run {
  offset: number;
  length: number;
}

/**
 * Sorts more records than memory holds, for packs of millions of pages: records gather in one
 * buffer; when it is full they are sorted and written to a temporary file as a run, and reading
 * merges the runs. Records are byte strings compared byte by byte, so a key followed by a NUL and
 * a payload sorts by key, then payload.
 */
export class ExternalSorter {
  private arena: Buffer;
  private used = 0;
  private starts: number[] = [];
  private readonly runs: Run[] = [];
  private readonly file: SpillFile;

  /** `path`: the temporary file, made only when the records outgrow `runBytes`. */
  constructor(
    path: string,
    private readonly runBytes = DEFAULT_RUN_BYTES,
  ) {
    this.file = new SpillFile(path);
    this.arena = Buffer.allocUnsafe(Math.min(FIRST_ARENA_BYTES, runBytes));
  }

  add(record: Buffer): void {
    const needed = 4 + record.length;
    if (this.used > 0 && this.used + needed > this.runBytes) this.spill();
    if (this.used + needed > this.arena.length) this.growArena(this.used + needed);
    this.starts.push(this.used);
    this.used = this.arena.writeUInt32LE(record.length, this.used);
    this.used += record.copy(this.arena, this.used);
  }

  /**
   * Every record added so far, in order. A yielded buffer is valid only until the next one is
   * asked for: copy what must be kept. Records may still be added afterwards.
   */
  *sorted(): Generator<Buffer> {
    if (this.runs.length === 0) {
      this.sortArena();
      for (const start of this.starts) yield this.recordAt(start);
      return;
    }
    if (this.starts.length > 0) this.spill();
    // Reading is the end of a pack: give the buffer's memory to the merge and what follows it.
    this.arena = Buffer.allocUnsafe(Math.min(FIRST_ARENA_BYTES, this.runBytes));
    yield* mergeRuns(this.file, this.runs);
  }

  /** Removes the temporary file. */
  close(): void {
    this.file.remove();
  }

  private growArena(atLeast: number): void {
    let size = this.arena.length;
    while (size < atLeast) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.arena.copy(grown, 0, 0, this.used);
    this.arena = grown;
  }

  private recordAt(start: number): Buffer {
    return this.arena.subarray(start + 4, start + 4 + this.arena.readUInt32LE(start));
  }

  private sortArena(): void {
    const arena = this.arena;
    this.starts.sort((a, b) => {
      const aEnd = a + 4 + arena.readUInt32LE(a);
      const bEnd = b + 4 + arena.readUInt32LE(b);
      return arena.compare(arena, b + 4, bEnd, a + 4, aEnd);
    });
  }

  /** Writes the gathered records, sorted, as one more run, and empties the buffer. */
  private spill(): void {
    this.sortArena();
    const runStart = this.file.size;
    // Records are copied in sorted order through a 1 MB buffer; one larger goes straight from the arena.
    const out = Buffer.allocUnsafe(Math.min(WRITE_BYTES, this.used));
    let staged = 0;
    for (const start of this.starts) {
      const length = 4 + this.arena.readUInt32LE(start);
      if (staged + length > out.length) {
        this.file.append(out, 0, staged);
        staged = 0;
      }
      if (length > out.length) this.file.append(this.arena, start, length);
      else staged += this.arena.copy(out, staged, start, start + length);
    }
    this.file.append(out, 0, staged);
    this.runs.push({ offset: runStart, length: this.file.size - runStart });
    this.starts = [];
    this.used = 0;
  }
}

/** Reads one run's records in order through a small buffer. */
class RunCursor {
  private buffer = Buffer.allocUnsafe(READ_BYTES);
  private bufferStart = 0;
  private bufferLength = 0;
  private position: number;
  private readonly end: number;
  current: Buffer | undefined;

  constructor(
    private readonly file: SpillFile,
    run: Run,
  ) {
    this.position = run.offset;
    this.end = run.offset + run.length;
    this.advance();
  }

  advance(): void {
    if (this.position >= this.end) {
      this.current = undefined;
      return;
    }
    const length = this.bytesAt(this.position, 4).readUInt32LE(0);
    this.current = this.bytesAt(this.position + 4, length);
    this.position += 4 + length;
  }

  /** `length` bytes at a file position, from the buffer, refilled from there when they are not in it. */
  private bytesAt(position: number, length: number): Buffer {
    const inBuffer = position - this.bufferStart;
    if (inBuffer < 0 || inBuffer + length > this.bufferLength) {
      if (length > this.buffer.length) this.buffer = Buffer.allocUnsafe(length);
      const read = Math.min(this.buffer.length, this.end - position);
      this.file.read(this.buffer, read, position);
      this.bufferStart = position;
      this.bufferLength = read;
      return this.buffer.subarray(0, length);
    }
    return this.buffer.subarray(inBuffer, inBuffer + length);
  }
}

/** A k-way merge: a binary heap of cursors ordered by their current record. */
function* mergeRuns(file: SpillFile, runs: Run[]): Generator<Buffer> {
  const heap = runs.map((run) => new RunCursor(file, run)).filter((cursor) => cursor.current !== undefined);
  const less = (i: number, j: number) => Buffer.compare(heap[i]!.current!, heap[j]!.current!) < 0;
  const swap = (i: number, j: number) => ([heap[i], heap[j]] = [heap[j]!, heap[i]!]);
  const siftDown = (from: number) => {
    for (let i = from; ;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && less(left, smallest)) smallest = left;
      if (right < heap.length && less(right, smallest)) smallest = right;
      if (smallest === i) return;
      swap(i, smallest);
      i = smallest;
    }
  };
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(i);
  while (heap.length > 0) {
    const top = heap[0]!;
    yield top.current!;
    top.advance();
    if (top.current === undefined) {
      heap[0] = heap[heap.length - 1]!;
      heap.pop();
    }
    siftDown(0);
  }
}
