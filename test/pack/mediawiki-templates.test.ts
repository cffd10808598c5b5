import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bundle } from '../../src/bundle/reader.js';
import { extractPageText } from '../../src/pack/html-text.js';
import { scanDump } from '../../src/sources/mediawiki/scan.js';
import { TemplateStore } from '../../src/sources/mediawiki/template-store.js';
import { TemplateExpander } from '../../src/sources/mediawiki/templates/expand.js';
import { TemplateCounts } from '../../src/sources/mediawiki/templates/template-counts.js';
import { pageText, REPO, runCli, tempFolder, type CliRun } from '../helpers.js';

/**
 * Template expansion on real dumps: the shared ones, which carry no templates (so their calls are
 * rendered by hand or as tables), and test/fixtures/mediawiki-real/, which carry theirs. Expected
 * texts come from reading each template's source in the dump.
 */
const SHARED = join(REPO, '../shared/realdata/mediawiki');
const REAL = join(REPO, 'test/fixtures/mediawiki-real');

interface Packed {
  run: CliRun;
  bundle: Bundle;
  page: (path: string) => Promise<string>;
  /** The page's visible text, as a reader sees it. */
  text: (path: string) => Promise<string>;
}

async function pack(folder: string, dump: string, extra: string[] = []): Promise<Packed> {
  const output = join(folder, `${dump.replace(/\W+/g, '-')}.ferry`);
  const run = await runCli(['pack', '--kind', 'mediawiki', dump, '-o', output, ...extra], {
    SOURCE_DATE_EPOCH: '1700000000',
  });
  if (run.code !== 0) throw new Error(run.stderr);
  const bundle = await Bundle.open(output);
  const page = (path: string) => pageText(bundle, path);
  // Formulas and code keep braces of their own: only prose counts.
  const prose = (html: string) => html.replace(/<(pre|code)\b[^>]*>[\s\S]*?<\/\1>/g, '');
  return { run, bundle, page, text: async (path) => extractPageText(prose(await page(path))).text };
}

/** The rows of a page's infobox: label → value, as text. */
function infoboxRows(html: string): Map<string, string> {
  const table = /<table class="infobox">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
  const rows = new Map<string, string>();
  for (const row of table.matchAll(/<th scope="row">([\s\S]*?)<\/th><td>([\s\S]*?)<\/td>/g)) {
    rows.set(row[1]!, row[2]!.replace(/<[^>]*>/g, '').trim());
  }
  return rows;
}

/** Expands wikitext with the templates of a dump, as a page of it would be. */
async function expanderOf(dump: string, folder: string): Promise<(text: string) => string> {
  const scan = await scanDump(dump, {
    namespaces: new Set([0]),
    partial: false,
    templatesPath: join(folder, 'templates'),
  });
  const { namespaces } = scan.siteInfo;
  const expander = new TemplateExpander(
    new TemplateStore(scan.templates, namespaces, scan.titles),
    new TemplateCounts(),
  );
  const page = {
    title: 'Test',
    namespaces,
    siteName: '',
    now: new Date(scan.newestMs),
    language: 'it',
    server: '',
    wiki: 'itwikitolearn',
  };
  return (text) => expander.expandPage(text, page, () => ({ text: '', how: 'dropped' }));
}

describe('templates of real wikis', () => {
  let folder: string;
  const opened: Bundle[] = [];
  const packed = async (dump: string, extra: string[] = []) => {
    const result = await pack(folder, dump, extra);
    opened.push(result.bundle);
    return result;
  };

  beforeAll(async () => {
    folder = await tempFolder();
  });
  afterAll(async () => {
    for (const bundle of opened) await bundle.close();
  });

  it("shows a Dutch article's infobox, whatever its template is called, with its fields' values", async () => {
    const nl = await packed(join(SHARED, 'nlwiki/nlwiki-20140927-pages-articles-sample.xml'));
    // {{Infobox gemeente België | … | provincie = Antwerpen | burgemeester = [[Bart De Wever]] ([[N-VA]]) …}}
    const rows = infoboxRows(await nl.page('Antwerpen_(stad)'));
    expect(rows.get('Provincie')).toBe('Antwerpen');
    expect(rows.get('Burgemeester')).toBe('Bart De Wever (N-VA)');
    expect(rows.get('Kaart')).toBeUndefined(); // only a map template the dump lacks: no empty row
    const turing = infoboxRows(await nl.page('Alan_Turing'));
    expect(turing.get('Geboorteplaats')).toBe('Londen');
    expect(nl.run.stderr).toMatch(/templates: 0 in the dump; 1,289 calls on pages: .*\n\s+most called/);
  });

  it("shows an English article's infobox from a dump without templates, and its citations in footnotes", async () => {
    const dump = join(folder, 'enwiki.xml');
    execFileSync('sh', [
      '-c',
      `bzip2 -dc '${join(SHARED, 'enwiki/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2')}' > '${dump}'`,
    ]);
    const en = await packed(dump);
    const html = await en.page('Alabama');
    expect(infoboxRows(html).get('Capital')).toBe('Montgomery');
    expect(html).toMatch(/<li id="note-\d+">.*<a class="external" href="[^"]+">/);
    for (const path of ['Alabama', 'Anarchism', 'Autism', 'Albedo'])
      expect(await en.text(path)).not.toMatch(/\{\{|\}\}|\{\||\|\}/);
  });

  it("shows an English Wiktionary entry's etymology, labels and translations, though the dump lacks its templates", async () => {
    const dump = join(folder, 'enwiktionary.xml');
    execFileSync('sh', ['-c', `bzip2 -dc '${join(SHARED, 'enwiktionary/test-pages-articles.xml.bz2')}' > '${dump}'`]);
    const wikt = await packed(dump);
    const text = await wikt.text('free');
    // From {{inh|en|enm|free}}, {{m|enm|fre}}, … {{inh|en|gem-pro|*frijaz||beloved, not in bondage}}
    expect(text).toContain(
      'From Middle English free, fre, freo, from Old English frēo (“free”), from Proto-Germanic *frijaz (“beloved, not in bondage”)',
    );
    expect(text).toContain('Translations not imprisoned Afrikaans: vrye Albanian: lirë');
    expect(text).toContain('IPA: /fɹiː/');
    expect(wikt.run.stderr).toMatch(/T\+\s+0\s+45,535\s+0\s+0/);
  });

  it('expands an #if and an #ifeq from the templates of a wiki, through templates calling templates', async () => {
    const fm = await packed(join(REAL, 'wikifm-en-developer-dump.xml'));
    const html = await fm.page('Contributing_to_WikiFM/Code/Code_test_page');
    // Template:Example: {{#if:{{{code|}}} |…{{source | 1={{{code|}}} | lang=…}}…
    //   {{#if:{{{output|}}} | {{#ifeq: {{{p|}}} | true | Possible output: | Output:}} … {{source | lang=text | 1={{{output}}}}}
    expect(html).toMatch(
      /<p>\s*The following code removes all consecutive equivalent elements from a vector of integers.\s*<\/p>/,
    );
    expect(html).toContain('<pre>#include &lt;iostream&gt;');
    expect(html).toMatch(/<p>Output:<\/p>\s*<pre>1 2 3 2 1<\/pre>/);
    expect(html).not.toContain('Possible output');
    expect(fm.run.stderr).toMatch(/Example\s+1\s+0\s+0\s+0/);
  });

  it("takes a #switch's case, its shared cases and its #default as the template's source says", async () => {
    // Template:Stage: <img src="…/9px-{{#switch:{{{1|}}} |0|00|0%|00%=00 |25|25%=25 |50|50%=50
    //   |75|75%=75 |100|100%=100 |#default=00 }}.svg.png" />; the image is not there offline, so
    // the switch is checked on the expansion, with the dump's own templates.
    const expand = await expanderOf(join(REAL, 'wikitolearn-it-developer-dump.xml'), folder);
    const image = (call: string) => /9px-(\w+)\.svg\.png/.exec(expand(call))?.[1];
    expect([image('{{Stage|25%}}'), image('{{Stage|25}}'), image('{{Stage|100%}}'), image('{{Stage|0%}}')]).toEqual([
      '25',
      '25',
      '100',
      '00',
    ]);
    expect([image('{{Stage|60}}'), image('{{Stage}}')]).toEqual(['00', '00']);

    const it_ = await packed(join(REAL, 'wikitolearn-it-developer-dump.xml'));
    expect(await it_.text('Fisica')).toContain('Vuoi creare un nuovo corso?'); // Template:Add course
    expect(it_.run.stderr).toMatch(/Stage\s+22\s+0\s+0\s+0/);
  });

  it('renders a grid of links a template builds, as links', async () => {
    const it_ = await packed(join(REAL, 'wikitolearn-it-developer-dump.xml'));
    // Template:Dipartimento: [[{{{Titolo}}}|<div class="thumbnail"><img …></div>]], eight on the page.
    const departments = await it_.page('Dipartimenti');
    const links = [...departments.matchAll(/<a href="Fisica">Fisica<\/a>|<span class="missing"[^>]*>([^<]+)<\/span>/g)];
    expect(links.map((link) => link[1] ?? 'Fisica')).toEqual([
      'Biologia e Biotecnologie',
      'Chimica',
      'Economia',
      'Fisica',
      'Informatica',
      'Ingegneria',
      'Matematica',
      'Medicina',
    ]);
  });

  it('shows a call to a template built on Lua as a table of its parameters, and citations by hand', async () => {
    const stochsd = await packed(join(REAL, 'stochsd-wiki-enwiki-templates-dump.xml'));
    const rows = infoboxRows(await stochsd.page('StochSD'));
    expect(rows.get('Developer')).toBe('Leif, Erik and Magnus Gustafsson');
    expect(rows.get('Released')).toBe('2017-06-16'); // {{Start date and age|2017|06|16}}, its module gone
    expect(rows.get('Operating system')).toBe('Windows, macOS, Linux');
    expect(stochsd.run.stderr).toMatch(/Infobox software\s+0\s+0\s+3\s+0/);
    expect(stochsd.run.stderr).toMatch(/Cite web\s+0\s+4\s+0\s+0/);
  });

  it('picks the text in the wiki language from a language switch that runs Lua', async () => {
    const commons = await packed(join(REAL, 'commons-template-artwork-export.xml'), [
      '--namespaces',
      '100,106',
      '--main',
      'Creator:Leonardo da Vinci',
    ]);
    // {{Creator | … | Name = {{LangSwitch |ab=… |en=[[:en:Leonardo da Vinci|Leonardo da Vinci]] …}} | Workloc = {{Florence}} (1466–1482), …}}
    const html = await commons.page('Creator:Leonardo_da_Vinci');
    expect(/<caption>(.*?)<\/caption>/.exec(html)?.[1]?.replace(/<[^>]*>/g, '')).toBe('Leonardo da Vinci');
    expect(infoboxRows(html).get('Workloc')).toMatch(/^Florence \(1466–1482\), Milan \(1483–1499\)/);
  });
});
