import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeHtml, extractPageText } from '../../src/pack/html-text.js';
import { analyse, type SearchDocument } from '../../src/search/analyse.js';
import { idf, termScore } from '../../src/search/bm25.js';
import { createBuilder } from '../../src/search/pipelines.js';
import { TARGET_TEXT_PER_SHARD, targetTextFor } from '../../src/search/shard-builder.js';
import { ShardReader } from '../../src/search/shard-reader.js';
import { SAMPLE_SITE } from '../helpers.js';
import { buildShards, memoryReads } from './build-shard.js';

async function samplePages(): Promise<SearchDocument[]> {
  const names = (await readdir(SAMPLE_SITE)).filter((name) => name.endsWith('.html')).sort();
  return Promise.all(
    names.map(async (name) => {
      const page = extractPageText(decodeHtml(await readFile(join(SAMPLE_SITE, name))));
      return { path: name, title: page.title, headings: page.headings, text: page.text };
    }),
  );
}

function oneShard(documents: SearchDocument[]): Buffer {
  return buildShards(documents, 'eng', Number.MAX_SAFE_INTEGER).shards[0]!.bytes;
}

/** Many small pages, each with its own words, for tests of how pages fall into shards. */
function manyPages(count: number): SearchDocument[] {
  return Array.from({ length: count }, (_, i) => ({
    path: `page-${String(i).padStart(4, '0')}.html`,
    title: `Page ${i}`,
    headings: `Part ${i % 7}`,
    text: `word${i} appears on page ${i} with shared words about ferries and rivers `.repeat(20),
  }));
}

describe('search shards', () => {
  it("keep each page's term counts and field lengths: scores from the shard equal BM25 from the page itself", async () => {
    const documents = await samplePages();
    const shard = await ShardReader.open(memoryReads(oneShard(documents)));
    const pipeline = createBuilder('eng').pipeline;
    const analysed = documents.map((document) => analyse(document, pipeline));
    const averages = [0, 1, 2].map(
      (field) => analysed.reduce((sum, page) => sum + page.lengths[field]!, 0) / analysed.length,
    );
    for (const term of ['option', 'prompt', 'click.echo', 'echo', 'test', 'complet']) {
      const withTerm = analysed.filter((page) => page.counts.some((counts) => counts.has(term)));
      const info = (await shard.term(term))!;
      expect(info, term).toBeDefined();
      expect(info.documents, term).toBe(withTerm.length);
      const termIdf = idf(analysed.length, withTerm.length);
      const seen: [number, number][] = [];
      await shard.scoredPostings(info, termIdf, { averages }, (doc, score) => seen.push([doc, score]));
      expect(seen.map(([doc]) => doc)).toEqual(withTerm.map((page) => analysed.indexOf(page)));
      for (const [doc, score] of seen) {
        const page = analysed[doc]!;
        const counts = page.counts.map((field) => field.get(term) ?? 0);
        expect(score, `${term} in ${page.path}`).toBeCloseTo(termScore(counts, page.lengths, averages, termIdf), 9);
      }
    }
  });

  it('answers a term by reading a small part of the shard', async () => {
    const bytes = oneShard(await samplePages());
    const reads = memoryReads(bytes);
    const shard = await ShardReader.open(reads);
    // Opening reads the header, block table and page lengths; a term costs a block and its postings.
    const opened = reads.bytesRead;
    const info = (await shard.term('unicod'))!;
    let found = -1;
    await shard.scoredPostings(info, 1, { averages: [1, 1, 1] }, (doc) => (found = doc));
    expect((await shard.document(found)).path).toMatch(/\.html$/);
    expect(opened).toBeLessThan(bytes.length / 5);
    expect(reads.bytesRead - opened).toBeLessThan(bytes.length / 10);
  });

  it('refuses a damaged shard with a clear error instead of crashing', async () => {
    const bytes = oneShard(await samplePages());
    await expect(ShardReader.open(memoryReads(bytes.subarray(0, 20)))).rejects.toThrow(/cut short/);
    const wrongMagic = Buffer.from(bytes);
    wrongMagic.write('NOTASHRD', 0, 'latin1');
    await expect(ShardReader.open(memoryReads(wrongMagic))).rejects.toThrow(/wrong magic/);
    const badHeader = Buffer.from(bytes);
    badHeader.writeUInt32LE(bytes.length + 10, 32);
    await expect(ShardReader.open(memoryReads(badHeader))).rejects.toThrow(/outside the shard/);
    // Term blocks overwritten with noise: a lookup fails cleanly or finds nothing, never hangs.
    const noisy = Buffer.from(bytes);
    for (let i = noisy.readUInt32LE(20); i < noisy.readUInt32LE(24); i++) noisy[i] = 0xff;
    const shard = await ShardReader.open(memoryReads(noisy));
    await expect(shard.term('unicod')).rejects.toThrow(/cut short or damaged|run past|damaged/);
  });

  it('deflate their postings a term block at a time, and refuse a damaged block by name', async () => {
    const bytes = oneShard(await samplePages());
    expect(bytes.subarray(0, 8).toString('latin1')).toBe('FRYSHD3\0');
    // Every deflated block hit: a term on many pages reads one of them.
    const damaged = Buffer.from(bytes);
    for (let i = 40; i < damaged.readUInt32LE(20); i += 7) damaged[i] = damaged[i]! ^ 0x5a;
    const broken = await ShardReader.open(memoryReads(damaged));
    const option = (await broken.term('option'))!;
    expect(option.documents).toBeGreaterThan(1);
    await expect(broken.scoredPostings(option, 1, { averages: [1, 1, 1] }, () => undefined)).rejects.toThrow(
      /postings of a term block are damaged/,
    );
  });

  it('keep their bounds and names across editions: an edited or added page changes only the shard it is in', () => {
    const pages = manyPages(400);
    const before = buildShards(pages, 'eng', 20_000).shards;
    expect(before.length).toBeGreaterThan(10);
    const names = (shards: { name: string }[]) => shards.map((shard) => shard.name);
    const changed = (after: typeof before) =>
      after.filter((shard) => !before.some((old) => old.name === shard.name && old.bytes.equals(shard.bytes))).length;

    const edited = pages.map((page, i) => (i === 200 ? { ...page, text: page.text + ' a revised sentence' } : page));
    const afterEdit = buildShards(edited, 'eng', 20_000).shards;
    expect(names(afterEdit)).toEqual(names(before));
    expect(changed(afterEdit)).toBe(1);

    const added = [...pages.slice(0, 100), { ...pages[0]!, path: 'page-0099a.html' }, ...pages.slice(100)];
    const afterAdd = buildShards(added, 'eng', 20_000).shards;
    expect(changed(afterAdd)).toBeLessThanOrEqual(2);
  });

  it('grow with the collection, so a query on a large one visits hundreds of shards, not thousands', () => {
    expect(targetTextFor(50)).toBe(TARGET_TEXT_PER_SHARD);
    expect(targetTextFor(4000)).toBe(TARGET_TEXT_PER_SHARD);
    expect(targetTextFor(100_000)).toBe(8 * TARGET_TEXT_PER_SHARD);
    expect(targetTextFor(6_000_000)).toBe(8 * TARGET_TEXT_PER_SHARD);
    // An edition a few pages larger keeps its shard bounds.
    expect(targetTextFor(20_000)).toBe(targetTextFor(20_400));
  });
});
