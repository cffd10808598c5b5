import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import lunr from 'lunr';
import { describe, expect, it } from 'vitest';
import type { EntryReads } from '../../src/bundle/reader.js';
import { decodeHtml, extractPageText } from '../../src/pack/html-text.js';
import { matchShard, parseQuery } from '../../src/search/query.js';
import { createBuilder, HEADINGS_BOOST, searchPipeline, TITLE_BOOST } from '../../src/search/shard.js';
import { ShardBuilder, type SearchDocument } from '../../src/search/shard-builder.js';
import { ShardReader } from '../../src/search/shard-reader.js';
import { SAMPLE_SITE } from '../helpers.js';
import { ranked } from './build-shard.js';

async function samplePages(): Promise<SearchDocument[]> {
  const names = (await readdir(SAMPLE_SITE)).filter((name) => name.endsWith('.html')).sort();
  return Promise.all(
    names.map(async (name) => {
      const page = extractPageText(decodeHtml(await readFile(join(SAMPLE_SITE, name))));
      return { path: name, title: page.title, headings: page.headings, text: page.text };
    }),
  );
}

/** Reads from a buffer, counting the bytes asked for. */
function memoryReads(bytes: Buffer): EntryReads & { bytesRead: number } {
  const reads = {
    size: bytes.length,
    label: 'test shard',
    bytesRead: 0,
    read: async (offset: number, length: number) => {
      reads.bytesRead += length;
      if (offset < 0 || offset + length > bytes.length) throw new Error('read outside the shard');
      return bytes.subarray(offset, offset + length);
    },
  };
  return reads;
}

function buildShard(documents: SearchDocument[]): Buffer {
  const builder = new ShardBuilder('eng');
  documents.forEach((document) => builder.add(document));
  return builder.finish()!;
}

/** The same documents in an in-memory lunr index, built with ferry's settings. */
function lunrIndex(documents: SearchDocument[]): lunr.Index {
  const builder = createBuilder('eng');
  builder.ref('id');
  builder.field('title', { boost: TITLE_BOOST });
  builder.field('headings', { boost: HEADINGS_BOOST });
  builder.field('body');
  documents.forEach((document, id) =>
    builder.add({ id: String(id), title: document.title, headings: document.headings, body: document.text }),
  );
  return builder.build();
}

describe('search shards', () => {
  it("rank and score exactly as lunr's own index does", async () => {
    const documents = await samplePages();
    const shard = await ShardReader.open(memoryReads(buildShard(documents)));
    const index = lunrIndex(documents);
    const pipeline = searchPipeline('eng');
    for (const query of ['option', 'prompt user input', 'click.echo', 'testing commands', 'bash completion']) {
      const ours = ranked(await matchShard(shard, parseQuery(query, pipeline), true));
      // One clause per word, through the search pipeline, as ferry's searcher did with lunr's index.
      const theirs = index.query((builder) => {
        for (const word of query.split(' ')) builder.term(word, { presence: lunr.Query.presence.REQUIRED });
      });
      expect(ours.length, query).toBeGreaterThan(0);
      expect(
        ours.map((match) => match.doc),
        query,
      ).toEqual(theirs.map((result) => Number(result.ref)));
      ours.forEach((match, i) => expect(match.score, query).toBeCloseTo(theirs[i]!.score, 2));
    }
  });

  it('answers a query by reading a small part of the shard', async () => {
    const bytes = buildShard(await samplePages());
    const reads = memoryReads(bytes);
    const shard = await ShardReader.open(reads);
    const matches = await matchShard(shard, parseQuery('unicode', searchPipeline('eng')), true);
    expect(matches.docs.length).toBeGreaterThan(0);
    expect((await shard.document(matches.docs[0]!)).path).toMatch(/\.html$/);
    expect(reads.bytesRead).toBeLessThan(bytes.length / 10);
  });

  it('refuses a damaged shard with a clear error instead of crashing', async () => {
    const bytes = buildShard(await samplePages());
    await expect(ShardReader.open(memoryReads(bytes.subarray(0, 20)))).rejects.toThrow(/cut short/);
    const wrongMagic = Buffer.from(bytes);
    wrongMagic.write('NOTASHRD', 0, 'latin1');
    await expect(ShardReader.open(memoryReads(wrongMagic))).rejects.toThrow(/wrong magic/);
    const badHeader = Buffer.from(bytes);
    badHeader.writeUInt32LE(bytes.length + 10, 28);
    await expect(ShardReader.open(memoryReads(badHeader))).rejects.toThrow(/outside the shard/);
    // Term blocks overwritten with noise: a lookup fails cleanly or finds nothing, never hangs.
    const noisy = Buffer.from(bytes);
    const blocksStart = noisy.readUInt32LE(20);
    for (let i = blocksStart; i < noisy.readUInt32LE(24); i++) noisy[i] = 0xff;
    const shard = await ShardReader.open(memoryReads(noisy));
    await expect(shard.term('unicode')).rejects.toThrow(/cut short or damaged|run past/);
  });
});
