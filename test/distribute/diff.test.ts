import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli, tempFolder } from '../helpers.js';

const DUMP = join(REPO, 'test/fixtures/mediawiki/cleanwater-pages-articles.xml');
const EPOCH = { SOURCE_DATE_EPOCH: '1700000000' };

describe('ferry diff', () => {
  let folder: string;

  beforeAll(async () => {
    folder = await tempFolder();
    const xml = await readFile(DUMP, 'utf8');
    // The new edition: one article edited, one deleted, one added.
    const edited = xml
      .replace('keep it boiling for one minute', 'keep it boiling for three minutes')
      .replace(/<page>\s*<title>Public health<\/title>[\s\S]*?<\/page>/, '')
      .replace(
        '</mediawiki>',
        '<page><title>Ceramic filter</title><ns>0</ns><id>60</id><revision><text>A [[slow sand filter]] made of clay.</text></revision></page></mediawiki>',
      );
    await writeFile(join(folder, 'new.xml'), edited);
    for (const [dump, output] of [
      [DUMP, 'old.ferry'],
      [join(folder, 'new.xml'), 'new.ferry'],
    ] as const) {
      const run = await runCli(['pack', '--kind', 'mediawiki', dump, '-o', join(folder, output)], EPOCH);
      expect(run.code, run.stderr).toBe(0);
    }
  });

  it('lists added, removed and changed entries and the bytes an update would fetch', async () => {
    const run = await runCli(['diff', join(folder, 'old.ferry'), join(folder, 'new.ferry')]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.toString('utf8').trim().split('\n');
    expect(lines).toContain('~ content/Boiling');
    expect(lines).toContain('- content/Public_health');
    expect(lines).toContain('+ content/Ceramic_filter');
    // Pages that did not change are not listed: the edit touched one article.
    expect(lines).not.toContain('~ content/Chlorination');
    expect(lines.at(-1)).toMatch(
      /^\d+ added, \d+ removed, \d+ changed, \d+ unchanged; [\d.]+ [KM]?B of entries to fetch$/,
    );
  });

  it('finds nothing between a bundle and itself, and gives JSON on request', async () => {
    const same = await runCli(['diff', join(folder, 'old.ferry'), join(folder, 'old.ferry'), '--json']);
    expect(same.code).toBe(0);
    const lines = same.stdout.toString('utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    const { summary } = JSON.parse(lines[0]!) as { summary: Record<string, number> };
    expect(summary).toMatchObject({ added: 0, removed: 0, changed: 0, changedBytes: 0 });
    expect(summary.unchanged).toBeGreaterThan(20);
  });

  it('refuses a file that is not a bundle', async () => {
    const run = await runCli(['diff', join(folder, 'old.ferry'), DUMP]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cleanwater-pages-articles\.xml/);
  });
});
