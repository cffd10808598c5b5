import { copyFile, readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { seededRandom } from '../../bench/random.js';
import { FileByteSource } from '../../src/bundle/byte-source.js';
import { readZipTail } from '../../src/bundle/zip-tail.js';
import { entryDataRange, largestShard, packSample, runCli, serveLibrary, tempFolder } from '../helpers.js';
import { rawGet, type RawAnswer } from '../raw-http.js';

/**
 * Seeded corruptions of a real bundle (byte flips and cuts anywhere, half of the flips aimed at
 * the parts a reader trusts most) go through info, verify, search, extract and the server. None
 * may succeed with bytes other than the original's, crash, hang or print a stack trace.
 */
const SEED = 20261129;
const FLIPS = 240;
const CUTS = 60;

const NAME = 'click_docs_en';
const EXTRACTS = ['index.html', 'api.html', '_static/click-logo.png', 'ferry.json'];
const SEARCHES = [['option'], ['nested', 'commands']];
const GZIP = { 'accept-encoding': 'gzip' };
const REQUESTS: [string, Record<string, string>][] = [
  [`/content/${NAME}/index.html`, {}],
  [`/content/${NAME}/api.html`, GZIP],
  [`/content/${NAME}/options.html`, { ...GZIP, 'sec-fetch-dest': 'iframe' }],
  [`/content/${NAME}/_static/click-logo.png`, {}],
  [`/content/${NAME}/_static/basic.css`, { range: 'bytes=10-99' }],
  [`/api/search?q=option`, {}],
  [`/api/suggest?q=comm`, {}],
  [`/viewer/${NAME}/api.html`, {}],
  [`/_ferry/illustration/${NAME}`, {}],
];
const STACK_TRACE = /\n\s+at .+:\d+:\d+/;

interface Corruption {
  label: string;
  region: string;
  bytes: Buffer;
}

type Outcome = 'same' | 'refused' | 'wrong';

describe('a corrupted bundle, fuzzed with seeded flips and cuts', () => {
  let folder: string;
  let target: string;
  let original: Buffer;
  const regions: { name: string; start: number; end: number }[] = [];
  const baseline = new Map<string, Buffer | string>();
  const counts = new Map<string, Record<Outcome, number>>();
  const wrong: string[] = [];
  const logged: string[] = [];

  function count(operation: string, outcome: Outcome, corruption: Corruption, detail = ''): void {
    const row = counts.get(operation) ?? { same: 0, refused: 0, wrong: 0 };
    row[outcome]++;
    counts.set(operation, row);
    if (outcome === 'wrong') wrong.push(`${corruption.label} (${corruption.region}): ${operation} ${detail}`);
  }

  async function cliRuns(): Promise<Map<string, { code: number; out: string; err: string }>> {
    const runs = new Map<string, { code: number; out: string; err: string }>();
    const record = async (key: string, args: string[]) => {
      const run = await withTimeout(runCli(args), key);
      runs.set(key, { code: run.code, out: run.stdout.toString('base64'), err: run.stderr });
    };
    await record('info', ['info', target, '--json']);
    await record('verify', ['verify', target]);
    for (const words of SEARCHES) await record(`search ${words.join(' ')}`, ['search', target, ...words, '--json']);
    for (const path of EXTRACTS) await record(`extract ${path}`, ['extract', target, path]);
    return runs;
  }

  async function serverAnswers(): Promise<Map<string, RawAnswer> | string> {
    let served: Awaited<ReturnType<typeof serveLibrary>>;
    try {
      served = await withTimeout(serveLibrary(folder), 'serve');
    } catch (error) {
      return (error as Error).message;
    }
    const answers = new Map<string, RawAnswer>();
    try {
      for (const [path, headers] of REQUESTS) answers.set(path, await rawGet(served.base + path, headers));
    } finally {
      await served.close();
    }
    return answers;
  }

  beforeAll(async () => {
    const work = await tempFolder();
    const packed = await packSample(work);
    original = await readFile(packed);
    folder = join(work, 'served');
    await mkdir(folder);
    target = join(folder, 'click.ferry');
    await copyFile(packed, target);
    regions.push({ name: 'anywhere', start: 0, end: original.length });
    for (const name of ['ferry.json', await largestShard(packed), 'search/shards', 'search/titles', 'api.html']) {
      regions.push({ name, ...(await entryDataRange(packed, name)) });
    }
    const source = await FileByteSource.open(packed);
    const tail = await readZipTail(source);
    await source.close();
    regions.push({ name: 'central directory and end', start: tail.centralDirectoryOffset, end: original.length });
    // The path index is the last entry, right before the central directory (FORMAT.md §4).
    const indexName = original.lastIndexOf('ferry/index', tail.centralDirectoryOffset);
    regions.push({ name: 'ferry/index', start: indexName + 'ferry/index'.length, end: tail.centralDirectoryOffset });

    for (const [key, run] of await cliRuns()) {
      expect(run.code, `${key} on the good bundle: ${run.err}`).toBe(0);
      baseline.set(key, run.out);
    }
    const answers = await serverAnswers();
    if (typeof answers === 'string') throw new Error(answers);
    for (const [path, answer] of answers) {
      expect(answer.status, path).toBeLessThan(300);
      baseline.set(path, answer.body!);
    }
    vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void logged.push(parts.join(' ')));
  });

  afterAll(() => {
    vi.restoreAllMocks();
  });

  function corruptions(): Corruption[] {
    const next = seededRandom(SEED);
    const pick = (below: number) => Math.floor(next() * below);
    const list: Corruption[] = [];
    for (let i = 0; i < FLIPS; i++) {
      // Every other flip lands in a part readers trust: the index, the manifest, search, the central directory.
      const region = i % 2 === 0 ? regions[0]! : regions[1 + pick(regions.length - 1)]!;
      const at = region.start + pick(region.end - region.start);
      const bytes = Buffer.from(original);
      bytes[at] = bytes[at]! ^ (1 << pick(8));
      list.push({ label: `flip #${i} at ${at}`, region: region.name, bytes });
    }
    for (let i = 0; i < CUTS; i++) {
      const at = pick(original.length);
      if (i % 2 === 0) {
        list.push({ label: `cut #${i} at ${at}`, region: 'truncated', bytes: original.subarray(0, at) });
      } else {
        const length = 1 + pick(4096);
        const bytes = Buffer.concat([original.subarray(0, at), original.subarray(at + length)]);
        list.push({ label: `cut #${i}: ${length} bytes at ${at}`, region: 'slice removed', bytes });
      }
    }
    return list;
  }

  it('never answers with bytes other than the original, and never crashes, hangs or shows a stack trace', async () => {
    const all = corruptions();
    const verifyPassed: string[] = [];
    for (const corruption of all) {
      await writeFile(target, corruption.bytes);
      for (const [key, run] of await cliRuns()) {
        if (STACK_TRACE.test(run.err)) count(key, 'wrong', corruption, `printed a stack trace: ${run.err}`);
        else if (run.code !== 0) count(key, 'refused', corruption);
        else if (key === 'verify') count(key, 'same', corruption);
        else if (run.out === baseline.get(key)) count(key, 'same', corruption);
        else count(key, 'wrong', corruption, 'exited 0 with output other than the original');
        if (key === 'verify' && run.code === 0) verifyPassed.push(`${corruption.label} (${corruption.region})`);
      }
      const answers = await serverAnswers();
      if (typeof answers === 'string') {
        count('serve', 'refused', corruption);
        if (STACK_TRACE.test(answers)) count('serve', 'wrong', corruption, answers);
        continue;
      }
      for (const [path, answer] of answers) {
        const key = `GET ${path}`;
        if (answer.status >= 200 && answer.status < 300 && answer.body === undefined) {
          count(key, 'refused', corruption); // Cut before its end: no client takes it as whole.
        } else if (answer.status >= 200 && answer.status < 300) {
          if (answer.body!.equals(baseline.get(path) as Buffer)) count(key, 'same', corruption);
          else count(key, 'wrong', corruption, `answered ${answer.status} with other bytes`);
        } else if (answer.body && STACK_TRACE.test(answer.body.toString())) {
          count(key, 'wrong', corruption, 'showed a stack trace');
        } else {
          count(key, 'refused', corruption);
        }
      }
    }
    const table = [...counts].map(([key, row]) => `${key.padEnd(58)} ${row.same} same, ${row.refused} refused`);
    console.log(
      `${all.length} corruptions (${FLIPS} flips, ${CUTS} cuts), seed ${SEED}; verify caught ${all.length - verifyPassed.length}` +
        `\n${table.join('\n')}\nverify passed (every other check gave the original bytes): ${verifyPassed.join(', ')}`,
    );
    expect(wrong).toEqual([]);
    expect(logged.filter((line) => STACK_TRACE.test(line))).toEqual([]);
  }, 300_000);
});

function withTimeout<T>(promise: Promise<T>, what: string, ms = 15_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} hung for ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
