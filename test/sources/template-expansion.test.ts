import { describe, expect, it } from 'vitest';
import {
  TemplateExpander,
  type PageContext,
  type UnexpandedCall,
} from '../../src/sources/mediawiki/templates/expand.js';
import { TemplateCounts } from '../../src/sources/mediawiki/templates/template-counts.js';
import { defaultNamespaces } from '../../src/sources/mediawiki/titles.js';
import { renderWikitext } from '../../src/sources/mediawiki/wikitext/render.js';

/** Expands `text` as page "Test page" of a wiki whose templates are `templates` (by full title). */
function expander(templates: Record<string, string>, language = 'en') {
  const counts = new TemplateCounts();
  const source = {
    text: (title: string) => templates[title],
    exists: (title: string) => title in templates || title === 'Existing page',
  };
  const expand = new TemplateExpander(source, counts);
  const unexpanded: [UnexpandedCall, string][] = [];
  const page: PageContext = {
    title: 'Test page',
    namespaces: defaultNamespaces(),
    siteName: 'Testwiki',
    now: new Date(Date.UTC(2016, 4, 1, 12, 30)),
    language,
    server: 'https://test.example.org',
    wiki: 'testwiki',
  };
  /** Expands as the page `title` (default "Test page"); the expander and its caches stay. */
  const run = (text: string, title = 'Test page') =>
    expand.expandPage(text, { ...page, title }, (call, place) => {
      unexpanded.push([call, place]);
      return { text: `[${call.reason}:${call.name}]`, how: 'dropped' };
    });
  return { run, counts, unexpanded };
}

describe('template expansion', () => {
  it('passes arguments, numbered and named, with defaults; trims named values only', () => {
    const { run } = expander({
      'Template:Show': '<{{{1}}}>-<{{{name|none}}}>-<{{{2|}}}>-<{{{3}}}>',
    });
    expect(run('{{Show| a |name= b }}')).toBe('< a >-<b>-<>-<>');
    expect(run('{{show|x|2=y}}')).toBe('<x>-<none>-<y>-<>');
    expect(run('{{Template:Show|1=one|1=two}}')).toBe('<two>-<none>-<>-<>');
  });

  it('honours noinclude, includeonly and onlyinclude', () => {
    const { run } = expander({
      'Template:A': 'shown<noinclude> doc</noinclude><includeonly> only</includeonly>',
      'Template:B': 'outside<onlyinclude>inside</onlyinclude>outside',
    });
    expect(run('{{A}}|{{B}}')).toBe('shown only|inside');
    expect(run('<includeonly>hidden</includeonly><noinclude>page</noinclude>')).toBe('page');
  });

  it('matches braces as MediaWiki does: five braces are an argument inside a template call', () => {
    const { run } = expander({
      'Template:Outer': '{{{{{1}}}|x}}',
      'Template:Inner': 'inner got {{{1}}}',
      'Template:Subst': '{{{{{|safesubst:}}}#if:{{{1|}}}|yes|no}}',
    });
    expect(run('{{Outer|Inner}}')).toBe('inner got x');
    expect(run('{{Subst|1}} {{Subst}}')).toBe('yes no');
    expect(run('{{Inner|[[a|b]]|c}}')).toBe('inner got [[a|b]]');
    expect(run('{{Inner|{{!}}}}')).toBe('inner got |');
    expect(run('{{{{Inner}}')).toBe('inner got ');
  });

  it('runs #if, #ifeq, #switch, #iferror, #ifexist as ParserFunctions documents them', () => {
    const { run } = expander({ 'Template:Here': '' });
    expect(run('{{#if: | a | b }}|{{#if: x | a | b }}|{{#if: x | a=1 }}')).toBe('b|a|a=1');
    expect(run('{{#ifeq: 01 | 1 | same | differ}} {{#ifeq: a | A | same | differ}}')).toBe('same differ');
    const sw = (value: string) =>
      run(`{{#switch: ${value} | a = alpha | b | c = b or c | 10 = ten | #default = other }}`);
    expect([sw('a'), sw('b'), sw('c'), sw('10.0'), sw('z')]).toEqual(['alpha', 'b or c', 'b or c', 'ten', 'other']);
    expect(run('{{#switch: z | a = 1 | last }}')).toBe('last');
    expect(run('{{#iferror: {{#expr: 1/0}} | bad | good }} {{#iferror: 2 | bad }}')).toBe('bad 2');
    expect(
      run(
        '{{#ifexist: Existing page | yes | no}} {{#ifexist: Template:Here | yes | no}} {{#ifexist: Gone | yes | no}}',
      ),
    ).toBe('yes yes no');
  });

  it('evaluates #expr with its precedence, rounding and errors', () => {
    const { run } = expander({});
    expect(run('{{#expr: 1 + 2 * 3}} {{#expr: -2^2}} {{#expr: 2^3^2}} {{#expr: (1+2)*3}}')).toBe('7 4 64 9');
    expect(
      run('{{#expr: 7 mod 3}} {{#expr: 10 / 4}} {{#expr: 1/3}} {{#expr: 2.5 round 0}} {{#expr: 1234.5678 round -2}}'),
    ).toBe('1 2.5 0.33333333333333 3 1200');
    expect(run('{{#expr: 3 > 2 and 1}} {{#expr: not 0}} {{#expr: 1e3}} {{#expr: pi round 4}}')).toBe('1 1 1000 3.1416');
    expect(run('{{#expr: 1/0}}')).toBe('<strong class="error">Expression error: Division by zero.</strong>');
    expect(run('{{#expr: 2 + abc}}')).toBe('<strong class="error">Expression error: Unrecognised word "abc".</strong>');
    expect(run('{{#ifexpr: 2 > 1 | big | small}}')).toBe('big');
  });

  it('formats #time in the wiki language, from the dump date when no date is given', () => {
    const { run } = expander({});
    expect(
      run('{{#time: Y-m-d | 2009-02-28 }} {{#time: j F Y | 5 March 2010 }} {{#time: D, d M y | May 1, 2016}}'),
    ).toBe('2009-02-28 5 March 2010 Sun, 01 May 16');
    expect(
      run('{{#time: Y }} {{CURRENTYEAR}} {{#time: "week" W | 2016-01-04 }} {{#time: H:i | 2016-05-01 14:05 }}'),
    ).toBe('2016 2016 week 01 14:05');
    expect(run('{{#time: Y | 1990 }} {{#time: Y-m-d | 2016-01-31 +1 month }}')).toBe('1990 2016-03-02');
    expect(run('{{#time: Y | not a date }}')).toBe('<strong class="error">Error: Invalid time.</strong>');
    expect(expander({}, 'nl').run('{{#time: j F Y | 2014-05-01 }}')).toBe('1 mei 2014');
  });

  it('gives the magic words and string functions', () => {
    const { run } = expander({});
    expect(
      run('{{PAGENAME}}|{{FULLPAGENAME:Template:Foo/bar}}|{{SUBPAGENAME:Template:Foo/bar}}|{{NAMESPACE:Category:X}}'),
    ).toBe('Test page|Template:Foo/bar|bar|Category');
    expect(
      run(
        '{{lc:ABC}} {{uc:abc}} {{ucfirst:abc}} {{urlencode:a b&c}} {{urlencode:a b|WIKI}} {{padleft:7|3}} {{padright:ab|5|xy}}',
      ),
    ).toBe('abc ABC Abc a+b%26c a_b 007 abxyx');
    expect(run('{{formatnum:1234567.89}} {{SITENAME}} {{ns:10}} {{#tag:ref|note|name=n}}')).toBe(
      '1,234,567.89 Testwiki Template <ref name="n">note</ref>',
    );
    expect(expander({}, 'nl').run('{{formatnum:1234567,5|R}} {{formatnum:1234567.5}}')).toBe('1234567.5 1.234.567,5');
    expect(run("{{PAGENAME:Rock 'n' roll}}")).toBe('Rock &#39;n&#39; roll');
  });

  it("ends a template loop and a hundred-deep nesting with MediaWiki's error text", () => {
    const deep: Record<string, string> = {};
    for (let level = 0; level < 150; level++) deep[`Template:Deep${level}`] = `{{Deep${level + 1}}}`;
    const { run } = expander({
      'Template:Loop': 'a{{Loop}}',
      'Template:Ping': '{{Pong}}',
      'Template:Pong': '{{Ping}}',
      ...deep,
    });
    expect(run('{{Loop}}')).toBe('a<span class="error">Template loop detected: [[:Template:Loop]]</span>');
    expect(run('{{Ping}}')).toBe('<span class="error">Template loop detected: [[:Template:Ping]]</span>');
    expect(run('{{Deep0}}')).toMatch(
      /^<span class="error">(Expansion depth limit exceeded|Template recursion depth limit exceeded \(100\))<\/span>$/,
    );
  });

  it('stops a template whose output grows tenfold at every level before it fills the memory', () => {
    const laughs: Record<string, string> = { 'Template:Laugh9': 'x'.repeat(100_000) };
    for (let level = 0; level < 9; level++) laughs[`Template:Laugh${level}`] = `{{Laugh${level + 1}}}`.repeat(10);
    // Unchecked, this is 10^9 copies of 100 KB: a string no engine can make.
    const page = expander(laughs).run('{{Laugh0}}');
    expect(page.length).toBeLessThanOrEqual(2 * 1024 * 1024); // no more than MediaWiki's include size
  });

  it('hands calls it cannot expand to the fallback: missing templates and those that run Lua', () => {
    const { run, unexpanded, counts } = expander({
      'Template:Infobox town': '{{Infobox|label1=Area|data1={{{area}}}}}',
      'Template:Infobox': '{{#invoke:Infobox|infobox}}',
      'Template:Plain': 'plain',
    });
    expect(run('{{Infobox town\n|name = Ada\n|area = 5 km²\n}}\nText {{Missing|a=1}}.')).toBe(
      '[lua:Infobox town]\nText [missing:Missing].',
    );
    const [lua, missing] = unexpanded;
    expect(lua![0].named).toEqual(
      new Map([
        ['name', 'Ada'],
        ['area', '5 km²'],
      ]),
    );
    expect(lua![1]).toBe('block');
    expect(missing![1]).toBe('inline');
    run('{{Plain}}{{Plain}}');
    expect(counts.byName.get('Plain')).toEqual({ expanded: 2, hand: 0, table: 0, dropped: 0 });
    expect(counts.byName.get('Infobox town')?.dropped).toBe(1);
  });
});

describe('a navigation box built on Lua', () => {
  it('renders the lists of its innermost call with named arguments as links', () => {
    // English Wikipedia's Template:Navbox is this one line; the navigation box calling it is the
    // usual shape of one (a title, groups, lists of links).
    const templates: Record<string, string> = {
      'Template:Navbox': '<includeonly>{{#invoke:Navbox|navbox}}</includeonly><noinclude>{{documentation}}</noinclude>',
      'Template:Water treatment':
        '{{Navbox\n| name = Water treatment\n| title = Water treatment\n| group1 = Methods\n| list1 = [[Boiling]] · [[Chlorination]]\n}}',
    };
    const namespaces = defaultNamespaces();
    const source = { text: (title: string) => templates[title], exists: (title: string) => title in templates };
    const expander = new TemplateExpander(source, new TemplateCounts());
    const page = {
      title: 'Page',
      namespaces,
      siteName: '',
      now: new Date(0),
      language: 'en',
      server: '',
      wiki: 'enwiki',
    };
    const links = {
      namespaces,
      pagePath: 'Page',
      title: 'Page',
      exists: (title: string) => title === 'Boiling' || title === 'Chlorination',
    };
    const { body } = renderWikitext('Text.\n\n{{Water treatment}}\n', links, { expander, page });
    expect(body).toContain('<caption>Water treatment</caption>');
    expect(body).toContain(
      '<th scope="row">List1</th><td><a href="Boiling">Boiling</a> · <a href="Chlorination">Chlorination</a></td>',
    );
    expect(expander.counts.byName.get('Water treatment')).toEqual({ expanded: 0, hand: 0, table: 1, dropped: 0 });
  });
});

describe('what one page expands never leaks into another', () => {
  it('does not cache a call that names the page, with an empty title too', () => {
    const { run } = expander({ 'Template:Me': 'I am {{PAGENAME:{{{1|}}}}}' });
    expect(run('{{Me}}', 'Alpha')).toBe('I am Alpha');
    expect(run('{{Me}}', 'Beta')).toBe('I am Beta');
  });

  it('does not cache a call cut short by a limit the page before it had reached', () => {
    const { run } = expander({ 'Template:Big': 'x'.repeat(1024 * 1024) + '{{{1}}}', 'Template:Small': 'small ok' });
    const heavy = Array.from({ length: 40 }, (_, index) => `{{Big|${index}}}`).join('') + '{{Small}}';
    run(heavy, 'Heavy');
    expect(run('{{Small}}', 'Light')).toBe('small ok');
  });

  it('stops arguments that grow tenfold through a chain of templates, without running out of memory', () => {
    const grow: Record<string, string> = { 'Template:G8': '{{{1}}}' };
    for (let level = 0; level < 8; level++) grow[`Template:G${level}`] = `{{G${level + 1}|${'{{{1}}}'.repeat(10)}}}`;
    const page = expander(grow).run(`{{G0|${'x'.repeat(1000)}}}`);
    expect(page.length).toBeLessThanOrEqual(64 * 1024 * 1024);
  });
});

describe('hostile or odd input', () => {
  it('parses a hundred thousand calls inside an unclosed one, and thousands of unclosed ones', () => {
    const { run } = expander({ 'Template:B': 'b' });
    expect(run('{{x|' + '{{B}}'.repeat(130_000))).toBe('x|' + 'b'.repeat(130_000));
    expect(run('{{a|{{B}}'.repeat(20_000))).toBe('a|b'.repeat(20_000));
  });

  it('answers MediaWiki-like errors for numbers and dates out of range and nesting too deep', () => {
    const { run } = expander({});
    expect(run('{{#expr: 1.5e20}} {{#expr: 1e15}} {{#expr: 1e-5}}')).toBe('1.5E+20 1.0E+15 1.0E-5');
    expect(run('{{#time: c | @99999999999999999 }}')).toBe('<strong class="error">Error: Invalid time.</strong>');
    expect(run(`{{#expr: ${'('.repeat(20_000)}1${')'.repeat(20_000)} }}`)).toBe(
      '<strong class="error">Expression error: Expression nested too deeply.</strong>',
    );
    expect(run('{{#time: jS F | 2021-03-01 }} {{#time: jS | 2021-03-12 }} {{#time: xrY | 2021-03-01 }}')).toBe(
      '1st March 12th MMXXI',
    );
  });

  it("takes #switch's unnamed #default as the next case's value, and #Default in any case", () => {
    const { run } = expander({});
    expect(run('{{#switch: z | #default | a = 1 }} {{#switch: z | #Default = D }}')).toBe('1 D');
  });
});
