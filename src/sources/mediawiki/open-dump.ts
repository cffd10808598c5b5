import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { PassThrough, Readable, Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import unbzip2 from 'unbzip2-stream';
import { findOnPath } from '../../find-on-path.js';
import { FerryError } from '../../errors.js';

export type Decompressor = 'lbzip2' | 'bzip2' | 'javascript' | 'gzip' | 'none';

export interface OpenedDump {
  /** The XML, decompressed. */
  stream: Readable;
  /** Bytes of the file read so far: the progress, and the place named when it is damaged. */
  bytesRead(): number;
  size: number;
  decompressor: Decompressor;
}

/** How .bz2 dumps are read: a native tool when installed (much faster), JavaScript when not. */
export type Bzip2Choice = 'auto' | 'javascript';

async function compressionOf(path: string): Promise<'bz2' | 'gz' | 'none'> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(3);
    await handle.read(head, 0, 3, 0);
    if (head.toString('latin1') === 'BZh') return 'bz2';
    if (head[0] === 0x1f && head[1] === 0x8b) return 'gz';
    return 'none';
  } finally {
    await handle.close();
  }
}

/**
 * Yields what a decompressor gave, then its verdict: the pages before damage get read before the
 * error is thrown, which --partial relies on.
 */
function thenVerdict(data: AsyncIterable<Buffer>, verdict: () => Promise<void>, stop = () => undefined): Readable {
  return Readable.from(
    (async function* () {
      try {
        yield* data;
        await verdict();
      } finally {
        stop();
      }
    })(),
    { objectMode: false },
  );
}

function nativeBzip2(tool: string, name: 'lbzip2' | 'bzip2', input: Readable): Readable {
  const child = spawn(tool, ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let message = '';
  child.stderr.on('data', (chunk: Buffer) => (message += chunk.toString()));
  const exited = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `${name}: ${
              message
                .trim()
                .split('\n')[0]
                ?.replace(/^\S+:\s*/, '') || `exit ${code}`
            }`,
          ),
        );
    });
  });
  // Read only if the whole stream is: a reader that stops early (damage, --partial) must not leave it unhandled.
  exited.catch(() => undefined);
  let inputError: Error | undefined;
  input.on('error', (error) => (inputError = error));
  // A child that stops reading early (it failed) must not make our pipe throw EPIPE.
  child.stdin.on('error', () => undefined);
  input.pipe(child.stdin);
  return thenVerdict(
    child.stdout,
    async () => {
      await exited;
      if (inputError) throw inputError;
    },
    () => {
      child.kill();
      input.destroy();
    },
  );
}

/** Runs a decompressor in this process; unbzip2-stream is an old-style stream, so both are piped by hand. */
function decodeInProcess(decoder: NodeJS.ReadWriteStream, input: Readable): Readable {
  const output = new PassThrough();
  let failure: Error | undefined;
  const fail = (error: Error) => {
    failure ??= error;
    output.end();
  };
  input.on('error', fail);
  decoder.on('error', fail);
  input.pipe(decoder).pipe(output, { end: false });
  decoder.on('end', () => output.end());
  return thenVerdict(output, async () => {
    if (failure) throw failure;
  });
}

/**
 * Opens a dump (.xml, .xml.bz2 or .xml.gz, known by its first bytes, not its name) as a stream of
 * XML. Damage found while decompressing reaches the stream as an error.
 */
export async function openDump(path: string, bzip2: Bzip2Choice = 'auto'): Promise<OpenedDump> {
  const info = await stat(path).catch((error: Error) => {
    throw new FerryError('INPUT_MISSING', `Cannot read the dump "${path}": ${error.message}.`, { cause: error });
  });
  if (!info.isFile()) throw new FerryError('INPUT_INVALID', `"${path}" is not a file; give the dump's file.`);
  const compression = await compressionOf(path);
  let read = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      read += chunk.length;
      callback(null, chunk);
    },
  });
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  const counted = file.pipe(counter);
  file.on('error', (error) => counter.destroy(error));
  let stream: Readable = counted;
  let decompressor: Decompressor = 'none';
  if (compression === 'gz') {
    decompressor = 'gzip';
    stream = decodeInProcess(createGunzip(), counted);
  } else if (compression === 'bz2') {
    const tool = bzip2 === 'auto' ? (findOnPath('lbzip2') ?? findOnPath('bzip2')) : undefined;
    decompressor = tool ? (tool.endsWith('lbzip2') ? 'lbzip2' : 'bzip2') : 'javascript';
    stream = tool
      ? nativeBzip2(tool, decompressor as 'lbzip2' | 'bzip2', counted)
      : decodeInProcess(unbzip2(), counted);
  }
  return { stream, bytesRead: () => read, size: info.size, decompressor };
}
