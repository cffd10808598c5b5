import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll } from 'vitest';
import type { CliIO } from '../src/cli/io.js';
import type { Bundle } from '../src/bundle/reader.js';
import { EntryKind } from '../src/bundle/path-index.js';
import { main } from '../src/cli/program.js';
import { createApp } from '../src/server/app.js';
import type { AppOptions } from '../src/server/context.js';
import { Library } from '../src/server/library.js';

export const REPO = fileURLToPath(new URL('..', import.meta.url));
export const SAMPLE_SITE = join(REPO, 'samples/click-docs/site');
export const SAMPLE_METADATA = join(REPO, 'samples/click-docs/metadata.json');

export interface CliRun {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Runs the CLI in-process, as `ferry <args>` would, capturing what it writes. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const out: Buffer[] = [];
  let stderr = '';
  const io: CliIO = {
    stdout: { write: (chunk: string | Uint8Array) => out.push(Buffer.from(chunk)) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    interactive: false,
    env,
    stopSignal: () => Promise.resolve(),
  };
  const code = await main(args, io);
  return { code, stdout: Buffer.concat(out), stderr };
}

/** A fresh temporary folder, removed when the test file ends. */
const temporaryFolders: string[] = [];
// One hook for the whole test file (each file loads this module afresh): an afterAll registered
// from inside a test is never run, and a test's folder, a 1 GB bundle among them, stayed behind.
afterAll(() => Promise.all(temporaryFolders.splice(0).map((folder) => rm(folder, { recursive: true, force: true }))));

export async function tempFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'ferry-test-'));
  temporaryFolders.push(folder);
  return folder;
}

/** Packs the Click sample into `folder` and returns the bundle's path. */
export async function packSample(folder: string, extra: string[] = []): Promise<string> {
  const output = join(folder, 'click.ferry');
  const run = await runCli(['pack', SAMPLE_SITE, '--metadata', SAMPLE_METADATA, '-o', output, ...extra], {
    SOURCE_DATE_EPOCH: '1700000000',
  });
  if (run.code !== 0) throw new Error(`pack failed: ${run.stderr}`);
  return output;
}

/** Packs the Click sample again under another title (a new edition) into `output`. */
export async function packEdition(output: string, title: string): Promise<string> {
  const run = await runCli(['pack', SAMPLE_SITE, '--metadata', SAMPLE_METADATA, '--title', title, '-o', output]);
  if (run.code !== 0) throw new Error(`pack failed: ${run.stderr}`);
  return output;
}

/** Serves the bundles of `folder` on a real socket on 127.0.0.1, as `ferry serve` would. */
export async function serveLibrary(
  folder: string,
  options: { watch?: boolean; app?: AppOptions } = {},
): Promise<{ base: string; close: () => Promise<void> }> {
  const library = await Library.open([folder]);
  const stopWatching = options.watch ? library.watch(() => undefined) : () => undefined;
  const server = createServer(createApp(library, options.app));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      stopWatching();
      // Idle keep-alive connections (fetch keeps them) would hold close() for seconds.
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeIdleConnections();
      await closed;
      await library.close();
    },
  };
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A page of a bundle as text, by its collection path; fails the test when it is not there. */
export async function pageText(bundle: Bundle, path: string): Promise<string> {
  const record = await bundle.resolveContent(path);
  if (!record) throw new Error(`${path} is not in the bundle`);
  return (await bundle.read(record)).toString('utf8');
}

/** Where an entry's stored data lies in the bundle file: [start, end). */
export async function entryDataRange(bundlePath: string, name: string): Promise<{ start: number; end: number }> {
  const { Bundle } = await import('../src/bundle/reader.js');
  const bundle = await Bundle.open(bundlePath);
  try {
    const record = (await bundle.resolveContent(name)) ?? (await bundle.resolve(name));
    if (!record) throw new Error(`${name} is not in ${bundlePath}`);
    const header = await bundle.source.read(record.locator.offset, 30);
    const start = record.locator.offset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    return { start, end: start + record.locator.compressedSize };
  } finally {
    await bundle.close();
  }
}

/** The name of a bundle's largest search shard: the one most queries read. */
export async function largestShard(bundlePath: string): Promise<string> {
  const { Bundle } = await import('../src/bundle/reader.js');
  const bundle = await Bundle.open(bundlePath);
  try {
    let largest = { name: '', size: -1 };
    for await (const record of bundle.records()) {
      if (!record.name.startsWith('search/shard-') || record.kind === EntryKind.Redirect) continue;
      if (record.locator.compressedSize > largest.size)
        largest = { name: record.name, size: record.locator.compressedSize };
    }
    return largest.name;
  } finally {
    await bundle.close();
  }
}

/** Copies a bundle with one byte flipped inside an entry's stored data, the way a bad USB stick does. */
export async function damageEntry(source: string, target: string, name: string, at = 100): Promise<void> {
  const { readFile, writeFile } = await import('node:fs/promises');
  const { start, end } = await entryDataRange(source, name);
  const bytes = await readFile(source);
  const position = Math.min(start + at, end - 1);
  bytes[position] = bytes[position]! ^ 0xff;
  await writeFile(target, bytes);
}
