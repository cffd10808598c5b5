/**
 * `npm run bench:zip64`: proves that offsets past 4 GiB work in the writer and the reader. It
 * writes a bundle of eight stored 600 MiB entries (4.7 GiB), opens it, checks the last entry's
 * offset is past 4 GiB, streams that entry back and compares its SHA-256, runs `unzip -t`, and
 * deletes the file. Needs about 10 GB of free disk.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { EntryKind } from '../src/bundle/path-index.js';
import { Bundle } from '../src/bundle/reader.js';
import { writeSyntheticBundle } from './synthetic-bundle.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const ENTRY_BYTES = 600 * 2 ** 20;
const ENTRIES = 8;
const FOUR_GIB = 4 * 2 ** 30;

async function main(): Promise<void> {
  const folder = join(REPO, 'bench/work/zip64');
  mkdirSync(folder, { recursive: true });
  const path = join(folder, 'large.ferry');
  // One buffer, never changed, shared by every entry: the offsets grow, the memory does not.
  const data = Buffer.alloc(ENTRY_BYTES);
  for (let i = 0; i < data.length; i += 4) data.writeUInt32LE((i * 2654435761) >>> 0, i);
  const expected = createHash('sha256').update(data).digest('hex');
  const started = performance.now();
  const bytes = await writeSyntheticBundle(path, 'large', ENTRIES, (i) => ({
    name: `content/blob-${i}.bin`,
    data,
    kind: EntryKind.Asset,
    mediaType: 'application/octet-stream',
    compress: false,
  }));
  const writeSeconds = (performance.now() - started) / 1000;

  const bundle = await Bundle.open(path);
  const last = (await bundle.resolve(`content/blob-${ENTRIES - 1}.bin`))!;
  const hash = createHash('sha256');
  for await (const chunk of await bundle.openStream(last)) hash.update(chunk as Buffer);
  await bundle.close();
  const unzip = execFileSync('unzip', ['-t', '-qq', path], { encoding: 'utf8' }).trim();
  rmSync(path);

  const checks = {
    fileBytes: bytes,
    lastEntryOffset: last.locator.offset,
    offsetPastFourGiB: last.locator.offset > FOUR_GIB,
    lastEntryReadsBack: hash.digest('hex') === expected,
    unzipTest: unzip === '' ? 'no errors' : unzip,
    writeSeconds,
  };
  process.stdout.write(JSON.stringify(checks, null, 2) + '\n');
  const results = join(REPO, 'bench/results');
  mkdirSync(results, { recursive: true });
  writeFileSync(
    join(results, `${new Date().toISOString().slice(0, 10)}-zip64.json`),
    JSON.stringify(checks, null, 2) + '\n',
  );
  if (!checks.offsetPastFourGiB || !checks.lastEntryReadsBack || unzip !== '') process.exitCode = 1;
}

await main();
