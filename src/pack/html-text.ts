import { Parser } from 'htmlparser2';
import { decodeText } from './charset.js';
import { decodeReferences } from '../char-references.js';

export interface PageText {
  title: string;
  /** Headings and definition terms (where API references put signatures), for a boosted field. */
  headings: string;
  /** The first <h1> or element of class "title", whichever comes first: the name of a page without <title>. */
  heading: string;
  /** Readable text of the page's main region (or of the whole body when it marks none). */
  text: string;
  /** The parts of `text` that start at a heading or definition term a link can reach by its id (with `sections`). */
  sections: PageSection[];
  /** Shares of `text` that are link text and preformatted code: what a page of links or of source listing is made of. */
  linkShare: number;
  codeShare: number;
  /** The `lang` (or `xml:lang`) of the page's <html> or <body>, as written; '' when neither has one. */
  language: string;
  /** Ids that are names (NAMED_ELEMENTS), space-separated: `flask.Flask.run` of a definition, `Old_Latin` of a heading. */
  names: string;
  /** The text of each section heading (`h1`–`h4`), one by one: a query that is one of them is after that section. */
  headingTexts: string[];
}

export interface PageSection {
  /** The id that leads to it: the heading's own, an anchor in it, or that of the section around it. */
  anchor: string;
  heading: string;
  text: string;
}

/** Where a section starts in the collected text; private-use characters no page text contains. */
const SECTION_START = '\uE000';
const SECTION_SPLIT = '\uE002';
const SECTION_END = '\uE001';
const SECTION_MARK = /\uE000([^\uE001\uE002]*)\uE002([^\uE001]*)\uE001/g;
const SECTION_HEADINGS = new Set(['h1', 'h2', 'h3', 'h4']);

const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'select', 'button']);
const BLOCKS = new Set([
  'p',
  'div',
  'br',
  'li',
  'tr',
  'td',
  'th',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'pre',
  'section',
  'article',
  'dt',
  'dd',
  'blockquote',
  'table',
  'ul',
  'ol',
  'dl',
  'main',
  'header',
  'footer',
  'nav',
  'aside',
  'hr',
]);

const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'dt']);
/**
 * Ids that are names: a definition's (the name it defines in full, which its text shortens:
 * `run` for `flask.Flask.run`), and those of headings, sections and anchors that read as one
 * identifier (`Old_Latin`, `mkdocs.config.Config`, a poem's first line as Gutenberg anchors it).
 */
const NAMED_ELEMENTS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'a', 'section', 'span']);
const IDENTIFIER = /^[\p{L}\p{N}]+(?:[._][\p{L}\p{N}]+)+$/u;

/**
 * A heading's link to itself, a control and not part of the text: Sphinx's and MkDocs'
 * `a.headerlink` (¶), Doxygen's `span.permalink` (◆).
 */
function isPermalink(name: string, attributes: Record<string, string>): boolean {
  const classes = (attributes.class ?? '').split(/\s+/);
  return (name === 'a' && classes.includes('headerlink')) || classes.includes('permalink');
}

/** Project Gutenberg's header and licence sections: kept on the page, left out of its search text. */
function isBoilerplate(attributes: Record<string, string>): boolean {
  return (attributes.class ?? '').split(/\s+/).includes('pg-boilerplate');
}

function isMainRegion(name: string, attributes: Record<string, string>): boolean {
  return name === 'main' || name === 'article' || attributes.role === 'main';
}

/** Decodes a page with the charset its bytes are in (pack/charset.ts). */
export function decodeHtml(data: Buffer): string {
  return decodeText(data, 'text/html');
}

/**
 * Title and searchable text of a page; tolerant of broken HTML, never throws on it. Its sections
 * are cut out only when asked for (search results), not for every page packed.
 */
export function extractPageText(html: string, options: { sections?: boolean } = {}): PageText {
  const stack: string[] = [];
  const ids: (string | undefined)[] = [];
  // Pieces of text read so far, and how many there were when each open element opened.
  let texts = 0;
  const textsAtOpen: number[] = [];
  /**
   * The last element with an id and no text, and how many pieces of text there were when it
   * closed: Texinfo anchors a heading with `<span id="Threads"></span>` just before it.
   */
  let emptyAnchor: { id: string; depth: number; texts: number } | undefined;
  let permalinkDepth = -1;
  // A section heading being read: where its mark goes in the text, and the anchor found so far.
  let open: { depth: number; anchor: string | undefined; heading: string; body: number; main: number } | undefined;
  const clean = (value: string) => value.replace(/\s+/g, ' ').trim();
  let skipDepth = 0;
  let mainDepth = -1;
  let boilerplateDepth = -1;
  let inTitle = false;
  let inH1 = false;
  /** Text of the first element of class "title", open at this depth: Doxygen's pages name themselves there, with no <title> or <h1>. */
  let classTitleDepth = -1;
  let classTitle = '';
  /** The element of class "title" came before any <h1>: Doxygen's main page names itself there and its sections in <h1>. */
  let classTitleFirst = false;
  let headingDepth = 0;
  const headings: string[] = [];
  const names: string[] = [];
  const headingTexts: string[] = [];
  /** The `h1`–`h6` being read (they do not nest), at its depth. */
  let sectionHeading: { depth: number; text: string } | undefined;
  let title = '';
  let heading = '';
  const body: string[] = [];
  const main: string[] = [];
  let sawMain = false;
  let language = '';
  /** Depths of the open links (`<a href>`), and how many `<pre>` are open. */
  const links: number[] = [];
  let codeDepth = 0;
  // Characters of link text and of code in the body and in the main region.
  const shares = { bodyLinks: 0, bodyCode: 0, mainLinks: 0, mainCode: 0 };

  const parser = new Parser(
    {
      onopentag(name, attributes) {
        stack.push(name);
        const id = attributes.id ?? (name === 'a' ? attributes.name : undefined);
        ids.push(id);
        textsAtOpen.push(texts);
        const counted = skipDepth === 0 && boilerplateDepth < 0;
        if (open && open.anchor === undefined && id) open.anchor = id;
        if (counted && id && (name === 'dt' || (NAMED_ELEMENTS.has(name) && IDENTIFIER.test(id)))) names.push(id);
        if (counted && !open && (SECTION_HEADINGS.has(name) || (name === 'dt' && id))) {
          // Sphinx, DocBook and others put the id on the section around the heading; Texinfo
          // on an empty element right before it, inside that section, which leads closer.
          let aroundAt = stack.length - 2;
          while (aroundAt >= 0 && ids[aroundAt] === undefined) aroundAt--;
          const justBefore =
            emptyAnchor && emptyAnchor.texts === texts && emptyAnchor.depth > aroundAt + 1 ? emptyAnchor.id : undefined;
          const around = name === 'dt' ? undefined : (justBefore ?? ids[aroundAt]);
          open = { depth: stack.length, anchor: id ?? around, heading: '', body: body.length, main: -1 };
          body.push('');
          if (mainDepth >= 0) open.main = main.push('') - 1;
        }
        if (name === 'title') inTitle = true;
        if (name === 'h1' && heading === '') inH1 = true;
        if ((name === 'html' || name === 'body') && !language)
          language = attributes.lang ?? attributes['xml:lang'] ?? '';
        if (classTitle === '' && classTitleDepth < 0 && (attributes.class ?? '').split(/\s+/).includes('title')) {
          classTitleDepth = stack.length;
          classTitleFirst = heading === '' && !inH1;
        }
        if (name === 'a' && attributes.href !== undefined) links.push(stack.length);
        if (name === 'pre') codeDepth++;
        if (counted && !sectionHeading && SECTION_HEADINGS.has(name))
          sectionHeading = { depth: stack.length, text: '' };
        if (HEADINGS.has(name)) {
          headingDepth++;
          headings.push(' ');
        }
        if (SKIPPED.has(name)) skipDepth++;
        if (permalinkDepth < 0 && isPermalink(name, attributes)) permalinkDepth = stack.length;
        if (boilerplateDepth < 0 && isBoilerplate(attributes)) boilerplateDepth = stack.length;
        if (mainDepth < 0 && !sawMain && isMainRegion(name, attributes)) {
          mainDepth = stack.length;
          sawMain = true;
        }
        if (BLOCKS.has(name)) {
          body.push(' ');
          if (mainDepth >= 0) main.push(' ');
        }
      },
      ontext(text) {
        if (text.trim() !== '') texts++;
        if (inTitle) title += text;
        if (permalinkDepth >= 0) return;
        if (inH1) heading += text;
        if (classTitleDepth >= 0) classTitle += text;
        if (skipDepth > 0 || boilerplateDepth >= 0 || inTitle) return;
        if (headingDepth > 0) headings.push(text);
        if (sectionHeading) sectionHeading.text += text;
        if (open) open.heading += text;
        body.push(text);
        if (mainDepth >= 0) main.push(text);
        const letters = text.trim().length;
        if (links.length > 0) {
          shares.bodyLinks += letters;
          if (mainDepth >= 0) shares.mainLinks += letters;
        }
        if (codeDepth > 0) {
          shares.bodyCode += letters;
          if (mainDepth >= 0) shares.mainCode += letters;
        }
      },
      onclosetag(name) {
        if (open && stack.length === open.depth) {
          const heading = clean(open.heading).replace(/[\uE000-\uE002]/g, '');
          const mark = open.anchor ? ` ${SECTION_START}${open.anchor}${SECTION_SPLIT}${heading}${SECTION_END} ` : ' ';
          body[open.body] = mark;
          if (open.main >= 0) main[open.main] = mark;
          open = undefined;
        }
        const id = ids.pop();
        const textsThen = textsAtOpen.pop();
        if (id !== undefined && textsThen === texts) emptyAnchor = { id, depth: stack.length, texts };
        if (name === 'title') inTitle = false;
        if (name === 'h1') inH1 = false;
        if (stack.length === classTitleDepth) classTitleDepth = -1;
        if (links[links.length - 1] === stack.length) links.pop();
        if (name === 'pre' && codeDepth > 0) codeDepth--;
        if (HEADINGS.has(name) && headingDepth > 0) headingDepth--;
        if (sectionHeading?.depth === stack.length) {
          const text = clean(sectionHeading.text);
          if (text) headingTexts.push(text);
          sectionHeading = undefined;
        }
        if (SKIPPED.has(name) && skipDepth > 0) skipDepth--;
        if (stack.length === permalinkDepth) permalinkDepth = -1;
        if (mainDepth >= 0 && stack.length === mainDepth) mainDepth = -1;
        if (boilerplateDepth >= 0 && stack.length === boilerplateDepth) boilerplateDepth = -1;
        stack.pop();
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();

  const fromMain = clean(main.join('').replace(SECTION_MARK, '')) !== '';
  const marked = fromMain ? main.join('') : body.join('');
  const text = clean(marked.replace(SECTION_MARK, ' '));
  const share = (count: number) => (text.length > 0 ? Math.min(1, count / text.length) : 0);
  return {
    title: clean(title),
    heading: classTitleFirst ? clean(classTitle) || clean(heading) : clean(heading) || clean(classTitle),
    headings: clean(headings.join('')),
    text,
    sections: options.sections ? sectionsOf(marked, clean) : [],
    linkShare: share(fromMain ? shares.mainLinks : shares.bodyLinks),
    codeShare: share(fromMain ? shares.mainCode : shares.bodyCode),
    language,
    names: names.join(' '),
    headingTexts,
  };
}

/** The text cut at its section marks: each part after a mark is that section, its heading first. */
function sectionsOf(marked: string, clean: (value: string) => string): PageSection[] {
  // split() with two groups gives: text before the first mark, then anchor, heading, text for each.
  const parts = marked.split(SECTION_MARK);
  const sections: PageSection[] = [];
  for (let i = 1; i + 2 < parts.length; i += 3) {
    sections.push({ anchor: parts[i]!, heading: parts[i + 1]!, text: clean(parts[i + 2]!) });
  }
  return sections;
}

const META_DESCRIPTION = /<meta\s[^>]*(?:name|property)\s*=\s*["']?(?:description|og:description)["']?[^>]*>/gi;

/** What a page says of itself in <meta name="description"> (or og:description), or undefined. */
export function metaDescription(html: string): string | undefined {
  for (const tag of html.slice(0, 65536).match(META_DESCRIPTION) ?? []) {
    const content = /\scontent\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(tag);
    const text = decodeReferences(content?.[1] ?? content?.[2] ?? '')
      .replace(/\s+/g, ' ')
      .trim();
    if (text) return text;
  }
  return undefined;
}
