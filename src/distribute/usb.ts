import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, statfs } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { builtFile } from '../built-file.js';
import { baseOfPart, findParts, partName } from '../bundle/parts.js';
import { Bundle } from '../bundle/reader.js';
import { FerryError } from '../errors.js';
import { formatBytes } from '../format.js';
import { bundleFileNames } from '../server/bundle-files.js';
import { stickReadme, type StickBundle } from './stick-readme.js';
import { FAT32_PART_SIZE } from './split.js';
import { tempBeside, writeAll, writeFileAtomically } from './file-writes.js';

export const SUMS_NAME = 'SHA256SUMS';
export const BUNDLES_FOLDER = 'bundles';
const README_NAME = 'README.html';
export const READER_NAME = 'ferry-reader.html';
/** statfs type of FAT12/16/32 (MSDOS_SUPER_MAGIC): files of 4 GiB or more do not fit. */
const FAT_MAGIC = 0x4d44;
/** Room kept for the README, the checksums and the file system's own needs. */
const SPARE_BYTES = 1024 * 1024;

export interface Space {
  free: number;
  fat: boolean;
}

export interface UsbOptions {
  /** Split as for FAT32 whatever the target's file system. */
  fat32?: boolean | undefined;
  /** Size of parts when splitting (default 4095 MiB). */
  partSize?: number | undefined;
  onLine?: (line: string) => void;
  /** How much room the target has; the real file system by default. */
  space?: (folder: string) => Promise<Space>;
}

export interface UsbResult {
  bundles: StickBundle[];
  files: string[];
  bytes: number;
}

async function realSpace(folder: string): Promise<Space> {
  const info = await statfs(folder);
  return { free: info.bavail * info.bsize, fat: info.type === FAT_MAGIC };
}

/** Bundle files named directly, and those in the folders named. */
async function bundleInputs(inputs: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    const info = await stat(input).catch(() => undefined);
    if (!info) throw new FerryError('INPUT_MISSING', `"${input}" does not exist.`);
    if (info.isDirectory()) files.push(...bundleFileNames(await readdir(input)).map((name) => join(input, name)));
    else files.push(input);
  }
  if (files.length === 0) throw new FerryError('INPUT_MISSING', `No bundles in ${inputs.join(', ')}.`);
  return files;
}

/** What a stick will hold of one input: its name, title, size and the files it is read from. */
async function describe(file: string): Promise<StickBundle & { sources: string[] }> {
  const bundle = await Bundle.open(file);
  try {
    const { metadata } = bundle.manifest;
    const parts = await findParts(file).catch(() => []);
    const sources = parts.length > 0 && !file.endsWith('.ferry') ? parts : [file];
    // The file's own name, not the manifest's: a name from inside a file is not trusted as a path.
    const base = basename(baseOfPart(file) ?? file);
    return {
      fileName: base.endsWith('.ferry') ? base : `${base}.ferry`,
      title: metadata.title,
      language: metadata.language,
      size: bundle.source.size,
      files: [],
      sources,
    };
  } finally {
    await bundle.close();
  }
}

/**
 * Copies the bytes of `sources` (one file, or the parts of one) into `targets` cut at `partSize`,
 * each written to a temporary name and renamed when whole; returns each target's SHA-256.
 */
async function copyInto(sources: string[], targets: string[], partSize: number): Promise<string[]> {
  const digests: string[] = [];
  let index = 0;
  let handle = undefined as Awaited<ReturnType<typeof open>> | undefined;
  let temp = '';
  let written = 0;
  let hash = createHash('sha256');
  const finishTarget = async () => {
    await handle!.close();
    handle = undefined;
    await rename(temp, targets[index]!);
    digests.push(hash.digest('hex'));
    index++;
  };
  try {
    for (const source of sources) {
      for await (const chunk of createReadStream(source, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
        let at = 0;
        while (at < chunk.length) {
          if (!handle) {
            temp = tempBeside(targets[index]!);
            handle = await open(temp, 'wx');
            written = 0;
            hash = createHash('sha256');
          }
          const piece = chunk.subarray(at, at + Math.min(partSize - written, chunk.length - at));
          await writeAll(handle, piece, written);
          hash.update(piece);
          written += piece.length;
          at += piece.length;
          if (written === partSize && index < targets.length - 1) await finishTarget();
        }
      }
    }
    if (handle) await finishTarget();
    return digests;
  } catch (error) {
    await handle?.close();
    if (temp) await rm(temp, { force: true });
    throw error;
  }
}

async function writeWhole(path: string, data: string): Promise<string> {
  await writeFileAtomically(path, data);
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Lays out a USB stick: the bundles under bundles/ (cut into parts when the stick is FAT32 or
 * --fat32 says so), a README.html in several languages, and SHA256SUMS of every file. Checks
 * first that everything fits, and writes nothing when it does not.
 */
export async function makeUsbStick(target: string, inputs: string[], options: UsbOptions = {}): Promise<UsbResult> {
  const say = options.onLine ?? (() => undefined);
  const bundles = await Promise.all((await bundleInputs(inputs)).map(describe));
  const names = new Set<string>();
  for (const bundle of bundles) {
    if (names.has(bundle.fileName))
      throw new FerryError('USAGE', `Two bundles are named ${bundle.fileName}; give one of them.`);
    names.add(bundle.fileName);
  }
  await mkdir(target, { recursive: true });
  const space = await (options.space ?? realSpace)(target);
  const needed = bundles.reduce((total, bundle) => total + bundle.size, 0) + SPARE_BYTES;
  if (needed > space.free) {
    throw new FerryError(
      'INPUT_INVALID',
      `The bundles need ${formatBytes(needed)} but ${target} has ${formatBytes(space.free)} free; nothing was written. Choose fewer bundles or a larger stick.`,
    );
  }
  const split = options.fat32 === true || space.fat;
  const partSize = options.partSize ?? FAT32_PART_SIZE;
  await mkdir(join(target, BUNDLES_FOLDER), { recursive: true });
  const sums: string[] = [];
  const files: string[] = [];
  for (const bundle of bundles) {
    const whole = join(target, BUNDLES_FOLDER, bundle.fileName);
    const count = split ? Math.max(1, Math.ceil(bundle.size / partSize)) : 1;
    const targets = count === 1 ? [whole] : Array.from({ length: count }, (_, index) => partName(whole, index + 1));
    say(`copying ${bundle.fileName}${count > 1 ? ` in ${count} parts` : ''} (${formatBytes(bundle.size)})`);
    const digests = await copyInto(bundle.sources, targets, count === 1 ? Number.MAX_SAFE_INTEGER : partSize);
    targets.forEach((path, index) => {
      const relative = `${BUNDLES_FOLDER}/${basename(path)}`;
      bundle.files.push(relative);
      files.push(relative);
      sums.push(`${digests[index]}  ${relative}`);
    });
  }
  const [readerDigest] = await copyInto(
    [builtFile('reader/ferry-reader.html', 'The standalone reader')],
    [join(target, READER_NAME)],
    Number.MAX_SAFE_INTEGER,
  );
  sums.push(`${readerDigest}  ${READER_NAME}`);
  files.push(READER_NAME);
  sums.push(`${await writeWhole(join(target, README_NAME), stickReadme(bundles))}  ${README_NAME}`);
  files.push(README_NAME);
  await writeWhole(join(target, SUMS_NAME), sums.join('\n') + '\n');
  files.push(SUMS_NAME);
  return { bundles, files, bytes: needed - SPARE_BYTES };
}
