import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPORA, prepareCorpus } from '../../bench/corpora.js';
import { evaluate, type KnownQuery, type QualityResult } from '../../bench/quality.js';
import { Bundle } from '../../src/bundle/reader.js';
import { BundleSearcher } from '../../src/search/searcher.js';
import { REPO, runCli, tempFolder } from '../helpers.js';

/** What this session reached (recall@1 0.89, recall@5 0.97, MRR 0.92), less a small margin. */
const FLOOR = { recallAt1: 0.86, recallAt5: 0.95, mrr: 0.9 };

describe('search quality on the Python documentation', () => {
  let bundle: Bundle;
  let result: QualityResult;
  beforeAll(async () => {
    const corpus = prepareCorpus(CORPORA[0]!, join(REPO, 'bench/work'), () => undefined);
    const output = join(await tempFolder(), 'python.ferry');
    const run = await runCli(['pack', corpus.html, '-o', output, '--language', 'eng', '--name', 'python']);
    expect(run.code, run.stderr).toBe(0);
    bundle = await Bundle.open(output);
    const searcher = new BundleSearcher(bundle);
    const fixture = JSON.parse(await readFile(join(REPO, 'test/fixtures/python3.11-doc-queries.json'), 'utf8')) as {
      queries: KnownQuery[];
    };
    result = await evaluate(fixture.queries, async (query) =>
      Promise.all(
        (await searcher.candidates(query, 5)).best.map(async (candidate) => (await searcher.pageOf(candidate)).path),
      ),
    );
  }, 180_000);
  afterAll(() => bundle?.close());

  it('puts the documenting page first for most of 200 API names', () => {
    expect(result.queries).toBe(200);
    expect(result.recallAt1).toBeGreaterThanOrEqual(FLOOR.recallAt1);
  });

  it('has the documenting page in the top five for nearly all of them', () => {
    expect(result.recallAt5).toBeGreaterThanOrEqual(FLOOR.recallAt5);
    expect(result.mrr).toBeGreaterThanOrEqual(FLOOR.mrr);
  });
});
