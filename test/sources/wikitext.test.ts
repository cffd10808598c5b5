import { describe, expect, it } from 'vitest';
import { defaultNamespaces } from '../../src/sources/mediawiki/titles.js';
import { renderWikitext } from '../../src/sources/mediawiki/wikitext/render.js';

const existing = new Set(['Boiling', 'Category:Water', 'AC/DC']);
const render = (text: string, pagePath = 'Page') =>
  renderWikitext(text, {
    namespaces: defaultNamespaces(),
    pagePath,
    title: 'Page',
    exists: (title) => existing.has(title),
  }).body;

describe('wikitext rendering', () => {
  it('escapes script and unknown tags, drops images, keeps simple formatting tags without their attributes', () => {
    const html = render(
      '<script>alert(1)</script> <span onclick="x()" style="color:red">red</span> <img src=x onerror=y>',
    );
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<span>red</span>');
    expect(html).not.toContain('onerror'); // an <img> of the wiki's server: not there offline, dropped
    expect(html).not.toMatch(/onclick|<img/);
  });

  it('drops templates the dump lacks without a trace, runs parser functions, shows parameter defaults', () => {
    const html = render('A {{outer|{{inner|x}}|y}} B {{#if:1|yes|no}} C {{{1|default}}} D {{lang|fr|bonjour}} {{{2}}}');
    expect(html).toBe('<p>A  B yes C default D bonjour</p>');
  });

  it('links existing pages relatively (also from a subpage), marks missing ones, drops files and interlanguage links', () => {
    expect(render('[[boiling|Boil]]ed')).toContain('<a href="Boiling">Boiled</a>');
    expect(render('[[Boiling]]', 'Sub/Page')).toContain('<a href="../Boiling">Boiling</a>');
    expect(render('[[AC/DC]]')).toContain('<a href="AC/DC">AC/DC</a>');
    expect(render('[[Nowhere]]')).toContain('<span class="missing" title="not in this collection">Nowhere</span>');
    expect(render('[[File:X.jpg|thumb|A [[Boiling|caption]]]] [[de:Kochen]] [[Category:Water]]')).toBe('');
    expect(render('[[:Category:Water|water]] [[#Top|top]]')).toBe(
      '<p><a href="Category%3AWater">water</a> <a href="#Top">top</a></p>',
    );
  });

  it('numbers footnotes in order, reuses named ones and puts the list where <references/> is', () => {
    const html = render(
      'A<ref name="n">Note</ref> B<ref>Other</ref> C<ref name="n"/>\n== Notes ==\n<references/>\nEnd',
    );
    expect(html).toMatch(
      /A<sup[^>]*><a href="#note-1">\[1\]<\/a><\/sup> B<sup[^>]*><a href="#note-2">\[2\]<\/a><\/sup> C<sup class="reference"><a href="#note-1">/,
    );
    expect(html).toMatch(
      /<h2 id="Notes">Notes<\/h2>\n<ol class="references"><li id="note-1">.*Note<\/li><li id="note-2">.*Other<\/li><\/ol>\n<p>End<\/p>/,
    );
  });

  it("renders MediaWiki's quote rules, closing tags properly at the end of the line", () => {
    expect(render("'''bold''' ''italic'' '''''both''''' ''open")).toBe(
      '<p><b>bold</b> <i>italic</i> <i><b>both</b></i> <i>open</i></p>',
    );
  });

  it('renders nested lists, definition lists and tables with spans', () => {
    expect(render('* a\n** b\n* c\n; term : def')).toBe(
      '<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul><dl><dt>term</dt><dd>def</dd></dl>',
    );
    expect(render('{|\n! H1 !! H2\n|-\n| colspan="2" style="x" | both\n|}')).toBe(
      '<table class="wikitable"><tbody><tr><th>H1</th><th>H2</th></tr><tr><td colspan="2">both</td></tr></tbody></table>',
    );
  });

  it('keeps <nowiki> and code as written', () => {
    expect(render('<nowiki>[[x]] {{y}} &lt;</nowiki>')).toBe('<p>[[x]] {{y}} &lt;</p>');
    expect(render('<syntaxhighlight lang="js">if (a < b) {}</syntaxhighlight>')).toBe('<pre>if (a &lt; b) {}</pre>');
  });

  it('renders hostile nesting (thousands of open tables, links, templates) without running out of stack', () => {
    for (const text of [
      '{|\n|a||b\n'.repeat(20_000),
      '[[File:x|'.repeat(5000) + ']]'.repeat(5000),
      '{{a|'.repeat(50_000),
    ]) {
      expect(() => render(text)).not.toThrow();
    }
    expect(render('{|\n|a\n'.repeat(100))).toContain('{|');
  });

  it('renders the list and link templates infoboxes use most, and drops the rest', () => {
    expect(render('{{Plainlist|\n* [[Boiling]]\n* Filtering\n}}')).toBe(
      '<p><a href="Boiling">Boiling</a><br>Filtering</p>',
    );
    expect(render('{{hlist|a|b|c}}')).toBe('<p>a · b · c</p>');
    expect(render('{{nihongo|Tokyo|東京|Tōkyō}}')).toBe('<p>Tokyo (東京, Tōkyō)</p>');
    expect(render('{{URL|example.org}}')).toBe('<p><a class="external" href="https://example.org">example.org</a></p>');
    expect(render('{{ill|Boiling|de|Kochen}}')).toBe('<p><a href="Boiling">Boiling</a></p>');
    expect(render('{{as of|2020|5}}')).toBe('<p>As of 2020-5</p>');
    expect(render('A{{Navbox|title=x|list1=[[Boiling]]}}B')).toBe('<p>AB</p>');
  });
});

describe('HTML that templates write', () => {
  it('keeps tables, lists and headings without their style, outside paragraphs, and closes what is left open', () => {
    const html = render(
      '<table style="x"><tr><td colspan="2" onclick="y">[[Boiling]]</td></tr></table>\n<ul><li>one\n<li>two</ul>\nText<div>\n<table><tr><td>open',
    );
    expect(html).toBe(
      '<table><tr><td colspan="2"><a href="Boiling">Boiling</a></td></tr></table>\n<ul><li>one\n</li><li>two</li></ul>\n' +
        'Text \n<table><tr><td>open</td></tr></table>',
    );
    expect(render('a</div></table>b')).toBe('a b');
  });
});

describe('footnotes inside tables of arguments', () => {
  it('leave the rest of the page as it was: each box of a missing template is still a table', () => {
    const box = (name: string, extra: string) => `{{Settlement box\n|name=${name}\n|${extra}\n|area=3\n}}`;
    const html = render(`${box('X', 'born=1900<ref>source</ref>')}\n\nText.\n\n${box('Y', 'population=5')}\n`);
    expect(html.match(/<table class="infobox">/g)?.length).toBe(2);
    expect(html).toContain('<li id="note-1"><a href="#ref-1">^</a> source</li>');
  });
});
