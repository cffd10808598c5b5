import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bundle } from '../../src/bundle/reader.js';
import { BundleSearcher } from '../../src/search/searcher.js';
import { runCli, tempFolder } from '../helpers.js';

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><title>${title}</title></head><body>${body}</body></html>`;

/** Release notes that mention the words of a name many times, but never the name whole. */
const mentions = (n: number) =>
  page(
    `Release ${n}.0`,
    `<h1>Release ${n}.0</h1>` +
      `<p>The forms module changed: each field of a form, field validation, field widgets, forms and more forms by the river.</p>`.repeat(
        4,
      ),
  );

const SITE: Record<string, string> = {
  'index.html': page('Ferryweb', '<h1>Ferryweb</h1><p>A small web framework.</p>'),
  'forms.html': page(
    'Forms',
    '<h1>Forms</h1><section id="forms-in-ferryweb"><h2>Forms in Ferryweb</h2><p>Build a form and check its validation.</p></section>',
  ),
  'reference.html': page(
    'API reference',
    '<h1>API reference</h1><dl><dt id="ferryweb.forms.Field">ferryweb.forms.Field</dt><dd>One input of a form.' +
      // A method, as Sphinx writes it: the text gives its short name, the id its full one.
      '<dl><dt id="ferryweb.forms.Field.clean"><span>clean</span>(value)</dt><dd>Checks a value.</dd></dl></dd></dl>',
  ),
  'cleaning.html': page(
    'Cleaning forms',
    '<h1>Cleaning forms</h1><h2>Clean each form</h2>' +
      '<p>Ferryweb forms clean every value: clean is called on each of the forms, and ferryweb may clean twice.</p>',
  ),
  'guide.html': page(
    'Guide',
    '<h1>Guide</h1><section id="handling-file-uploads"><h2>Handling file uploads</h2><p>Save what people send.</p></section>',
  ),
  'files.html': page('Files', '<h1>Files</h1><p>Files, files and more files: handling them, uploads of them.</p>'),
  'uploads.html': page('Uploads API', '<h1>Uploads API</h1><p>Uploads: file uploads, handling uploads.</p>'),
  'zoo.html': page('Zoo', '<h1>Zoo</h1><p>A zebra lives here.</p>'),
  // A wiki page's section, anchored as MediaWiki anchors it, among pages that say its words more often.
  'words/terra.html': page(
    'terra',
    '<h1>terra</h1><h2 id="Latin">Latin</h2><p>Earth.</p><h2 id="Old_Latin">Old Latin</h2><p>Land.</p>',
  ),
  // A method heading as YARD writes it, and a page about its words that says them more often.
  'config.html': page(
    'Config',
    '<h1>Config</h1><h3 id="values-instance_method">values ⇒ Array?</h3><p>Returns the values set.</p>',
  ),
  'array.html': page('Array', '<h1>Array</h1><p>The values of an Array: array values, more values and values.</p>'),
  // A title as Sphinx writes it, after the page's own name the site's; the query drops "why".
  'why.html': page('Why Ferryweb? — Ferryweb 1.0 documentation', '<h1>Why Ferryweb?</h1><p>Small and fast.</p>'),
  'about.html': page(
    'Ferryweb',
    '<h1>Ferryweb</h1><h2>Ferryweb at a glance</h2><p>Ferryweb is small: Ferryweb, Ferryweb and Ferryweb.</p>',
  ),
  'words/latin.html': page(
    'Latin',
    '<h1>Latin</h1><p>Old Latin, old Latin and more old Latin: old texts in Latin.</p>',
  ),
  // A source listing and a general index: they name Field more often than the page that defines it.
  '_modules/ferryweb/fields.html': page(
    'ferryweb.fields',
    '<h1>Source code for ferryweb.fields</h1><pre>' +
      'class Field:\n    field = Field()\n    def field_value(self, field): return Field(field)\n'.repeat(6) +
      '</pre><p>Back to the <a href="../../reference.html">reference</a>.</p>',
  ),
  'genindex.html': page(
    'Index',
    '<h1>Index</h1><ul>' +
      ['Field (class in ferryweb.forms)', 'Field.clean (method)', 'Field.widget (attribute)', 'FieldError', 'Form']
        .map((entry) => `<li><a href="reference.html#ferryweb.forms.Field">${entry}</a></li>`)
        .join('') +
      '</ul>',
  ),
  // A one-word section among pages with its word in their titles, as Texinfo manuals have them.
  'upgrading.html': page(
    'Upgrading from version 2',
    // Texinfo's markup: the chapter's id on the element around it, each section's on an empty span before its heading.
    '<div class="chapter" id="Upgrading"><h1>Upgrading from version 2</h1>' +
      '<span id="Plans"></span><h3>Plans</h3><p>Plans are made once.</p>' +
      '<span id="Threads"></span><h3>Threads</h3><p>Link with the library and call its initialiser first.</p></div>',
  ),
  'thread-safety.html': page('Thread safety', '<h1>Thread safety</h1><p>Threads share plans; each thread locks.</p>'),
  'thread-count.html': page(
    'How many threads to use?',
    '<h1>How many threads to use?</h1><p>More threads, more speed.</p>',
  ),
  'mixing.html': page('Combining processes and threads', '<h1>Combining processes and threads</h1><p>Threads.</p>'),
  'multi.html': page('Multi-threaded use', '<h1>Multi-threaded use</h1><p>A threaded plan runs in threads.</p>'),
  'multi-usage.html': page('Usage of multi-threaded plans', '<h1>Usage of multi-threaded plans</h1><p>Threads.</p>'),
  // A class page as Doxygen writes it: each member's heading after an empty anchor, behind a ◆ permalink.
  'class_value.html': page(
    'Json::Value Class Reference',
    '<div class="title">Json::Value Class Reference</div>' +
      '<a id="a1f2"></a><h2 class="memtitle"><span class="permalink"><a href="#a1f2">◆&nbsp;</a></span>Value() [1/2]</h2>' +
      '<p>Makes a value.</p>' +
      '<a id="a9c4"></a><h2 class="memtitle"><span class="permalink"><a href="#a9c4">◆&nbsp;</a></span>~Value()</h2>' +
      '<p>Frees the value.</p>',
  ),
  // A one-word heading whose word stems as the query's does: "locale" is not "locals".
  'changes.html': page('Changes', '<h1>Changes</h1><h3>locale</h3><p>The locale module reads local settings.</p>'),
  'builtins.html': page(
    'Built-in functions',
    '<h1>Built-in functions</h1><dl><dt id="locals">locals()</dt><dd>The names of the current scope.</dd></dl>',
  ),
  'trips/one.html': page('Trip one', '<p>Kayak, paddle and river.</p>'),
  'trips/two.html': page('Trip two', '<p>Kayak paddle, kayak paddle, kayak paddle, kayak paddle.</p>'),
  ...Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 8].map((n) => [`releases/${n}.0.html`, mentions(n)])),
};

describe('ranking on a site it was not tuned on', () => {
  let bundle: Bundle;
  let searcher: BundleSearcher;
  const top = async (query: string) => (await searcher.search(query, { limit: 5 })).hits.map((hit) => hit.path);

  beforeAll(async () => {
    const work = await tempFolder();
    const site = join(work, 'site');
    for (const [path, html] of Object.entries(SITE)) {
      await mkdir(join(site, path, '..'), { recursive: true });
      await writeFile(join(site, path), html);
    }
    const output = join(work, 'ferryweb.ferry');
    const run = await runCli(['pack', site, '-o', output, '--name', 'ferryweb', '--language', 'eng']);
    expect(run.code, run.stderr).toBe(0);
    bundle = await Bundle.open(output);
    searcher = new BundleSearcher(bundle);
  });
  afterAll(() => bundle.close());

  it('drops the stop words indexing dropped, so a heading typed with "in" finds its page first', async () => {
    expect((await top('Forms in Ferryweb'))[0]).toBe('forms.html');
  });

  it('keeps a page that lacks one word of the query among the results, instead of filtering it out', async () => {
    // Only the release notes have all three words; the forms page has two of them, one in its title.
    const found = (await searcher.search('form validation widgets', { limit: 20 })).hits.map((hit) => hit.path);
    expect(found).toContain('forms.html');
    expect(found.filter((path) => path.startsWith('releases/'))).toHaveLength(8);
  });

  it('ranks a page with every word above one with fewer words said more often', async () => {
    // "river" is on many pages, so only coverage puts the page that has it too first.
    expect((await top('kayak paddle river')).slice(0, 2)).toEqual(['trips/one.html', 'trips/two.html']);
  });

  it('puts the page that defines a name before many pages that mention its parts', async () => {
    expect((await top('ferryweb.forms.Field'))[0]).toBe('reference.html');
  });

  it('puts the page that defines a name before a code listing and an index of links that name it more often', async () => {
    expect((await top('Field'))[0]).toBe('reference.html');
  });

  it('finds a method by its full name, which only the id of its definition says whole', async () => {
    const hit = (await searcher.search('ferryweb.forms.Field.clean', { limit: 5 })).hits[0];
    expect(hit?.path).toBe('reference.html');
    expect(hit?.section).toBe('ferryweb.forms.Field.clean');
  });

  it("finds a section by its anchor's name, which no text says with its underscore", async () => {
    const hit = (await searcher.search('Old_Latin', { limit: 5 })).hits[0];
    expect(hit?.path).toBe('words/terra.html');
    expect(hit?.section).toBe('Old_Latin');
  });

  it('brings first the page one of whose headings is the query word for word', async () => {
    expect((await top('values ⇒ Array?'))[0]).toBe('config.html');
    // The same words in another order are not that heading: the page has them in its headings, no more.
    const scoreOf = async (query: string) =>
      (await searcher.search(query, { limit: 20 })).hits.find((hit) => hit.path === 'config.html')!.score;
    expect(await scoreOf('values Array')).toBeCloseTo(2 * (await scoreOf('Array values')), 1);
  });

  it("brings first the page whose title is the query, before the site's name", async () => {
    expect((await top('Why Ferryweb?'))[0]).toBe('why.html');
  });

  it('brings first the page one of whose headings is the one word of the query, before titles that have the word, at that section', async () => {
    const hit = (await searcher.search('Threads', { limit: 5 })).hits[0];
    expect(hit?.path).toBe('upgrading.html');
    expect(hit?.section).toBe('Threads');
  });

  it('opens a result at the section whose heading is the query, though the title has its words', async () => {
    const destructor = (await searcher.search('~Value()', { limit: 1 })).hits[0];
    expect([destructor?.path, destructor?.section]).toEqual(['class_value.html', 'a9c4']);
    const constructor = (await searcher.search('Value()', { limit: 1 })).hits[0];
    expect([constructor?.path, constructor?.section]).toEqual(['class_value.html', 'a1f2']);
  });

  it('raises a one-word heading only for that word as written, not for another word that stems alike', async () => {
    expect((await top('locals'))[0]).toBe('builtins.html');
  });

  it('brings first the page whose section heading is the query', async () => {
    expect((await top('Handling file uploads'))[0]).toBe('guide.html');
  });
});
