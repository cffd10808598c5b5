import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bundle } from '../../src/bundle/reader.js';
import { BundleSearcher } from '../../src/search/searcher.js';
import { queryLanguage } from '../../src/search/pipelines.js';
import { listShards } from '../../src/search/shard-list.js';
import { openShard } from '../../src/search/shard-reader.js';
import { pageText, REPO, runCli, serveLibrary, sha256, tempFolder, type CliRun } from '../helpers.js';

const DUMP = join(REPO, 'test/fixtures/mediawiki/cleanwater-pages-articles.xml');
const EPOCH = { SOURCE_DATE_EPOCH: '1700000000' };

async function pack(dump: string, output: string, extra: string[] = []): Promise<CliRun> {
  return runCli(['pack', '--kind', 'mediawiki', dump, '-o', output, ...extra], EPOCH);
}

describe('ferry pack --kind mediawiki', () => {
  let folder: string;
  let run: CliRun;
  let bundle: Bundle;
  const page = (path: string) => pageText(bundle, path);

  beforeAll(async () => {
    folder = await tempFolder();
    run = await pack(DUMP, join(folder, 'wiki.ferry'));
    bundle = await Bundle.open(join(folder, 'wiki.ferry'));
  });
  afterAll(() => bundle?.close());

  it("takes the wiki's name, language, source and main page from <siteinfo>", () => {
    expect(run.code, run.stderr).toBe(0);
    const { metadata, mainPage } = bundle.manifest;
    expect(metadata.title).toBe('Clean Water Wiki');
    expect(metadata.name).toBe('cleanwaterwiki');
    expect(metadata.language).toBe('eng');
    expect(metadata.source).toBe('https://cleanwater.example.org');
    expect(mainPage).toBe('Main_Page');
    expect(run.stderr).not.toMatch(/no --language/);
  });

  it('renders an article: headings, paragraphs, lists, tables, links, infobox, footnotes; no template shows', async () => {
    const html = await page('Water_purification');
    expect(html).toContain('<h1>Water purification</h1>');
    expect(html).toContain('<h2 id="Methods">Methods</h2>');
    expect(html).toContain('<h3 id="Combining_methods">Combining methods</h3>');
    expect(html).toContain('<b>Water purification</b> is the process');
    expect(html).toMatch(/<caption>Water purification<\/caption>.*<th>Used for<\/th><td>Making water safe to drink/);
    expect(html).toMatch(
      /<table class="wikitable"><caption>Household methods compared<\/caption>.*<th>Kills germs<\/th>/,
    );
    expect(html).toContain('<ol><li>Let the water settle.</li>');
    expect(html).toContain('<a href="Slow_sand_filter">filtration</a>');
    expect(html).toContain('<p class="hatnote">Main article: <a href="Boiling">Boiling</a>');
    // Footnotes: numbered, a named one keeps its number, a citation template becomes a citation.
    expect(html).toMatch(/<ol class="references"><li id="note-1">.*Guidelines for drinking-water quality/);
    expect(html.match(/href="#note-1"/g)?.length).toBe(2);
    expect(html).toContain(
      '"<a class="external" href="https://example.org/hwts">Household water treatment and safe storage</a>"',
    );
    // A page the dump lacks is shown as missing, not linked; interlanguage links and templates leave no trace.
    expect(html).toContain(
      '<span class="missing" title="not in this collection">Arsenic contamination of groundwater</span>',
    );
    expect(html).not.toMatch(/\{\{|\}\}|Short description|Purification de l'eau|Reflist/);
    expect(html).toContain(
      '<footer class="categories">Categories: <a href="Category%3AWater_treatment">Water treatment</a>',
    );
  });

  it('keeps broken markup from breaking the page or showing raw braces', async () => {
    const html = await page('Broken_markup');
    expect(html).toContain('<b>Broken</b> page with');
    expect(html).not.toContain('{{');
    expect(html).toContain('</main>');
  });

  it('makes redirects of redirect pages, follows chains, drops those to missing pages, and suggests their titles', async () => {
    expect((await bundle.resolveContent('SODIS'))?.name).toBe('content/Solar_water_disinfection');
    expect((await bundle.resolveContent('Purification'))?.name).toBe('content/Water_purification');
    // A redirect to a section keeps the section.
    const boiled = await bundle.resolveContent('Boiled_water');
    expect(boiled?.name).toBe('content/Boiling');
    expect(boiled?.fragment).toBe('How_to_boil_water');
    expect(await bundle.resolveContent('Ozonation')).toBeUndefined();
    expect(bundle.manifest.counts.redirects).toBe(5);
    const searcher = new BundleSearcher(bundle);
    expect((await searcher.suggest('sodi')).map((hit) => hit.title)).toEqual(['SODIS']);
  });

  it('gives each category a page listing its pages and subcategories, with the description from the dump', async () => {
    const html = await page('Category:Water_treatment');
    expect(html).toContain('Methods and equipment for making water safe to drink.');
    expect(html).toContain('<h2>Subcategories</h2><ul><li><a href="Category%3AFilters">Filters</a></li></ul>');
    expect(html).toContain('6 pages.');
    for (const member of [
      'Boiling',
      'Chlorination',
      'Slow_sand_filter',
      'Solar_water_disinfection',
      'Water_purification',
      'Water/Testing_kits',
    ]) {
      expect(html).toContain(`<a href="${member}">`);
    }
    expect(await page('Category:Public_health')).toContain('<a href="Water_purification">Water purification</a>');
  });

  it('finds full text in search and titles in suggestions', async () => {
    const searcher = new BundleSearcher(bundle);
    const result = await searcher.search('schmutzdecke');
    expect(result.hits[0]?.path).toBe('Slow_sand_filter');
    expect((await searcher.search('rolling boil altitude')).hits[0]?.path).toBe('Boiling');
    expect((await searcher.suggest('chlor')).map((hit) => hit.path)).toContain('Chlorination');
    // A section's anchor, as a link to it spells it, is indexed whole, and finds that section first.
    const { names } = await listShards(bundle);
    const shards = await Promise.all(
      names.map(async (name) => openShard(await bundle.randomAccess((await bundle.resolve(name))!))),
    );
    const whole = queryLanguage('eng', 'eng').search.runString('combining_methods')[0]!;
    const holders = await Promise.all(shards.map((shard) => shard.term(whole)));
    expect(holders.filter(Boolean)).toHaveLength(1);
    const anchor = (await searcher.search('Combining_methods')).hits[0];
    expect([anchor?.path, anchor?.section]).toEqual(['Water_purification', 'Combining_methods']);
  });

  it('leaves out other namespaces unless --namespaces names them, and says what it skipped', async () => {
    expect(await bundle.resolveContent('Talk:Boiling')).toBeUndefined();
    expect(await bundle.resolveContent('Template:Infobox_method')).toBeUndefined();
    expect(await bundle.resolveContent('Clean_Water_Wiki:About')).toBeUndefined();
    expect(run.stderr).toMatch(/skipped page "Empty page": it has no text/);
    expect(run.stderr).toMatch(
      /namespace 3000, which <siteinfo> does not list, are left out \(first: "Strange namespace page"\)/,
    );
    const withProject = await pack(DUMP, join(folder, 'project.ferry'), ['--namespaces', '4']);
    expect(withProject.code, withProject.stderr).toBe(0);
    const other = await Bundle.open(join(folder, 'project.ferry'));
    try {
      expect(await pageText(other, 'Clean_Water_Wiki:About')).toContain('written for the ferry test suite');
    } finally {
      await other.close();
    }
  });

  it('serves the pages, the redirects and the stylesheet over HTTP', async () => {
    const server = await serveLibrary(folder);
    try {
      const article = await fetch(`${server.base}/content/cleanwaterwiki/Boiling`);
      expect(article.status).toBe(200);
      expect(article.headers.get('content-type')).toMatch(/^text\/html/);
      const articleHtml = await article.text();
      expect(articleHtml).toContain('<link rel="stylesheet" href="_/wiki.css">');
      const redirect = await fetch(`${server.base}/content/cleanwaterwiki/SODIS`);
      expect(await redirect.text()).toContain('<h1>Solar water disinfection</h1>');
      // A redirect to a page in another folder sends the browser there, so that its relative links work.
      const moved = await fetch(`${server.base}/content/cleanwaterwiki/Testing_kits`, { redirect: 'manual' });
      expect(moved.status).toBe(302);
      expect(moved.headers.get('location')).toBe('/content/cleanwaterwiki/Water/Testing_kits');
      const subpage = await (await fetch(`${server.base}/content/cleanwaterwiki/Water/Testing_kits`)).text();
      expect(subpage).toContain('<a href="../Boiling">boiling</a>');
      const toSection = await fetch(`${server.base}/content/cleanwaterwiki/Boiled_water`, { redirect: 'manual' });
      expect(toSection.status).toBe(302);
      expect(toSection.headers.get('location')).toBe('/content/cleanwaterwiki/Boiling#How_to_boil_water');
      expect(articleHtml).toContain('id="How_to_boil_water"');
      const css = await fetch(`${server.base}/content/cleanwaterwiki/_/wiki.css`);
      expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    } finally {
      await server.close();
    }
  });

  it('gives the same bytes whatever the number of threads', async () => {
    const one = await pack(DUMP, join(folder, 'one.ferry'), ['--threads', '1']);
    const three = await pack(DUMP, join(folder, 'three.ferry'), ['--threads', '3']);
    expect(one.code + three.code).toBe(0);
    expect(sha256(await readFile(join(folder, 'one.ferry')))).toBe(sha256(await readFile(join(folder, 'three.ferry'))));
  });
});

describe('compressed and damaged dumps', () => {
  let folder: string;
  let xml: Buffer;
  let bz2: string;

  beforeAll(async () => {
    folder = await tempFolder();
    xml = await readFile(DUMP);
    bz2 = join(folder, 'dump.xml.bz2');
    await writeFile(bz2, execFileSync('bzip2', ['-c', DUMP], { maxBuffer: 1 << 26 }));
  });

  it('reads .bz2 with the installed tool and with the built-in decompressor, and .gz, to the same bundle', async () => {
    const plain = await pack(DUMP, join(folder, 'plain.ferry'));
    const native = await pack(bz2, join(folder, 'native.ferry'));
    const javascript = await pack(bz2, join(folder, 'js.ferry'), ['--bzip2', 'javascript']);
    const gz = join(folder, 'dump.xml.gz');
    await writeFile(gz, gzipSync(xml));
    const gzipped = await pack(gz, join(folder, 'gz.ferry'));
    for (const result of [plain, native, javascript, gzipped]) expect(result.code, result.stderr).toBe(0);
    const digest = sha256(await readFile(join(folder, 'plain.ferry')));
    for (const name of ['native.ferry', 'js.ferry', 'gz.ferry']) {
      expect(sha256(await readFile(join(folder, name)))).toBe(digest);
    }
  });

  it('fails clearly on a cut-short dump, leaving nothing, or packs the complete pages with --partial', async () => {
    // Enough pages for several bzip2 blocks of 100 kB, so that some come before the cut.
    const copies = Array.from(
      { length: 300 },
      (_, index) =>
        `<page><title>Copy ${index}</title><ns>0</ns><id>${1000 + index}</id><revision><text>${'Boiling water. '.repeat(60)}${index}</text></revision></page>`,
    ).join('\n');
    const long = join(folder, 'long.xml');
    await writeFile(long, xml.toString('utf8').replace('</mediawiki>', `${copies}\n</mediawiki>`));
    const whole = execFileSync('bzip2', ['-1', '-c', long], { maxBuffer: 1 << 26 });
    const cut = join(folder, 'cut.xml.bz2');
    await writeFile(cut, whole.subarray(0, Math.floor(whole.length * 0.9)));
    for (const bzip2 of ['auto', 'javascript']) {
      const failed = await pack(cut, join(folder, `cut-${bzip2}.ferry`), ['--bzip2', bzip2]);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(
        /The dump (is cut short or damaged|ends early) at byte [\d,]+ of [\d,]+, after page "/,
      );
      expect(failed.stderr).toMatch(/--partial/);
      expect(existsSync(join(folder, `cut-${bzip2}.ferry`))).toBe(false);
    }
    const partial = await pack(cut, join(folder, 'partial.ferry'), ['--partial']);
    expect(partial.code, partial.stderr).toBe(0);
    expect(partial.stderr).toMatch(/warning: The dump .* packing the \d+ pages before it/);
    const bundle = await Bundle.open(join(folder, 'partial.ferry'));
    try {
      expect(await pageText(bundle, 'Main_Page')).toContain('Welcome to the Clean Water Wiki');
      expect(bundle.manifest.counts.pages).toBeGreaterThan(1);
    } finally {
      await bundle.close();
    }
    expect((await readdir(folder)).filter((name) => name.includes('.tmp'))).toEqual([]);
  });

  it('names the place where the XML is malformed', async () => {
    const broken = join(folder, 'broken.xml');
    await writeFile(broken, xml.toString('utf8').replace('<title>Boiling</title>', '<title>Boiling</titel>'));
    const failed = await pack(broken, join(folder, 'broken.ferry'));
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(
      /not well-formed XML inside a page at byte [\d,]+ of [\d,]+, after page "Water purification"/,
    );
    expect(existsSync(join(folder, 'broken.ferry'))).toBe(false);
  });

  it('names the first skipped pages of a kind and counts the rest', async () => {
    const many = join(folder, 'many-empty.xml');
    const empty = Array.from(
      { length: 30 },
      (_, index) =>
        `<page><title>Empty ${index}</title><ns>0</ns><id>${500 + index}</id><revision><text></text></revision></page>`,
    ).join('');
    await writeFile(many, xml.toString('utf8').replace('</mediawiki>', `${empty}</mediawiki>`));
    const result = await pack(many, join(folder, 'many-empty.ferry'));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr.match(/skipped page "Empty \d+"/g)?.length).toBe(19);
    expect(result.stderr).toMatch(/… and 11 more pages skipped: it has no text\./);
    expect(result.stderr).toMatch(/31 skipped/);
  });

  it('skips an enormous page with a warning naming it', async () => {
    const huge = join(folder, 'huge.xml');
    const text = `${'word '.repeat(1_800_000)}`;
    await writeFile(
      huge,
      xml
        .toString('utf8')
        .replace(
          '</mediawiki>',
          `<page><title>Huge</title><ns>0</ns><id>99</id><revision><text>${text}</text></revision></page></mediawiki>`,
        ),
    );
    const result = await pack(huge, join(folder, 'huge.ferry'));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/skipped page "Huge": its text is larger than 8 MB/);
  });

  it('refuses a file that is not a dump with a clear message', async () => {
    const notDump = join(folder, 'not-a-dump.xml');
    await writeFile(notDump, 'this is not XML at all');
    const result = await pack(notDump, join(folder, 'none.ferry'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/dump/);
    expect(existsSync(join(folder, 'none.ferry'))).toBe(false);
  });
});
