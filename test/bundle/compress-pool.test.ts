import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtFile } from '../../src/built-file.js';
import { createFrameMaker } from '../../src/bundle/compress-pool.js';
import { buildDictionary } from '../../src/bundle/dictionary-builder.js';
import { compressWithDictionary, decompressWithDictionary, loadZstd } from '../../src/bundle/zstd.js';

/** Entries of many sizes that share some text, as a site's pages do. */
function entry(number: number): Buffer {
  const words = Array.from({ length: 1 + ((number * 37) % 400) }, (_, i) => `w${(number * 131 + i * 17) % 997}`);
  return Buffer.from(`<html><body><nav>Home Guide Reference</nav><p>${words.join(' ')}</p></body></html>`);
}

describe('zstd frames made in worker threads', () => {
  it('are the bytes the pack makes in its own thread, each for the entry it was asked for', async () => {
    await loadZstd();
    const entries = Array.from({ length: 300 }, (_, i) => entry(i));
    const dictionary = buildDictionary(entries.slice(0, 100), 4096);
    const pool = createFrameMaker(dictionary, 9, 2);
    try {
      const frames = await Promise.all(entries.map((data) => pool.compress(data)));
      for (const [index, data] of entries.entries()) {
        expect(frames[index]!.equals(compressWithDictionary(data, dictionary, 9))).toBe(true);
        expect(decompressWithDictionary(frames[index]!, dictionary, data.length)).toEqual({ data });
      }
    } finally {
      await pool.close();
    }
  });

  it('refuses work once closed instead of leaving the pack waiting', async () => {
    const pool = createFrameMaker(Buffer.from('a dictionary of a few bytes'), 9, 1);
    await pool.close();
    await expect(pool.compress(entry(1))).rejects.toThrow(/compression worker/);
  });

  it('fails the frames under way when a worker stops, whatever its exit code', async () => {
    await loadZstd();
    const pool = createFrameMaker(Buffer.from('a dictionary '.repeat(50)), 9, 1);
    const frames = Array.from({ length: 20 }, () => pool.compress(Buffer.alloc(200_000, 'abc')));
    frames.forEach((frame) => frame.catch(() => undefined));
    // As if the worker were stopped from outside: Node reports exit code 0 for it.
    const { workers } = (pool as unknown as { pool: { workers: { worker: { terminate(): Promise<number> } }[] } }).pool;
    await workers[0]!.worker.terminate();
    const settled = await Promise.allSettled(frames);
    expect(settled.some((frame) => frame.status === 'rejected')).toBe(true);
    await expect(pool.compress(entry(2))).rejects.toThrow(/compression worker stopped/);
    await pool.close();
  });

  it('does not keep a process alive once its frames are made', () => {
    // A pack that ends without closing its pool (an error path) must still let the process exit.
    const module = pathToFileURL(builtFile('src/bundle/compress-pool.js', 'The compression pool')).href;
    const zstd = pathToFileURL(builtFile('src/bundle/zstd.js', 'zstd')).href;
    const script =
      `const { createFrameMaker } = await import(${JSON.stringify(module)});` +
      `await (await import(${JSON.stringify(zstd)})).loadZstd();` +
      `const pool = createFrameMaker(Buffer.from('dictionary bytes'), 9, 2);` +
      `const frame = await pool.compress(Buffer.from('some text to compress, some text'));` +
      `console.log(frame.length > 0 ? 'made' : 'empty');`;
    // A file, not --input-type: worker threads take the process's flags, and that one fails them.
    const folder = mkdtempSync(join(tmpdir(), 'ferry-pool-'));
    try {
      writeFileSync(join(folder, 'pack.mjs'), script);
      const output = execFileSync('node', [join(folder, 'pack.mjs')], { encoding: 'utf8', timeout: 20_000 });
      expect(output.trim()).toBe('made');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
