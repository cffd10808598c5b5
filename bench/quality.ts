import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { inflateSync } from 'node:zlib';
import { seededRandom } from './random.js';

/** A query whose right answer is known: an API name and the page that documents it. */
export interface KnownQuery {
  query: string;
  expected: string;
  /** The id of the section the query names, for heading queries whose heading has one. */
  anchor?: string;
}

const API_ROLES = new Set([
  'py:function',
  'py:class',
  'py:method',
  'py:module',
  'py:exception',
  'py:data',
  'py:attribute',
]);

/** Reads a Sphinx inventory (objects.inv, version 2): name, role, page for every documented object. */
export function readInventory(path: string): { name: string; role: string; page: string }[] {
  const bytes = readFileSync(path);
  let offset = 0;
  for (let line = 0; line < 4; line++) offset = bytes.indexOf(0x0a, offset) + 1;
  const text = inflateSync(bytes.subarray(offset)).toString('utf8');
  const objects: { name: string; role: string; page: string }[] = [];
  for (const line of text.split('\n')) {
    const match = /^(.+?)\s+(\S+:\S+)\s+(-?\d+)\s+(\S*)\s+(.*)$/.exec(line);
    if (!match) continue;
    const [, name, role, , uri] = match;
    const page = uri!.replace(/\$$/, name!).split('#')[0]!;
    if (page) objects.push({ name: name!, role: role!, page });
  }
  return objects;
}

export function queriesFromInventory(path: string, count: number, seed: number): KnownQuery[] {
  const candidates = readInventory(path)
    .filter((object) => API_ROLES.has(object.role))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const next = seededRandom(seed);
  const chosen = new Map<string, KnownQuery>();
  while (chosen.size < Math.min(count, candidates.length)) {
    const object = candidates[Math.floor(next() * candidates.length)]!;
    chosen.set(object.name, { query: object.name, expected: object.page });
  }
  return [...chosen.values()];
}

export interface QualityResult {
  queries: number;
  recallAt1: number;
  recallAt5: number;
  mrr: number;
  p50ms: number;
}

/** Runs each query through `search` (top pages, best first) and scores where the right page lands. */
export async function evaluate(
  queries: KnownQuery[],
  search: (query: string) => Promise<string[]>,
): Promise<QualityResult> {
  let at1 = 0;
  let at5 = 0;
  let reciprocal = 0;
  const times: number[] = [];
  for (const { query, expected } of queries) {
    const started = performance.now();
    const pages = await search(query).catch(() => [] as string[]);
    times.push(performance.now() - started);
    const rank = pages.slice(0, 5).indexOf(expected);
    if (rank === 0) at1++;
    if (rank >= 0) {
      at5++;
      reciprocal += 1 / (rank + 1);
    }
  }
  times.sort((a, b) => a - b);
  const n = queries.length || 1;
  return {
    queries: queries.length,
    recallAt1: at1 / n,
    recallAt5: at5 / n,
    mrr: reciprocal / n,
    p50ms: times[Math.floor(times.length / 2)] ?? NaN,
  };
}
