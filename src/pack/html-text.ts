import { Parser } from 'htmlparser2';
import { decodeText } from './charset.js';

export interface PageText {
  title: string;
  /** Headings and definition terms (where API references put signatures), for a boosted field. */
  headings: string;
  /** The first <h1>, used when there is no <title>. */
  heading: string;
  /** Readable text of the page's main region (or of the whole body when it marks none). */
  text: string;
}

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

/** Title and searchable text of a page; tolerant of broken HTML, never throws on it. */
export function extractPageText(html: string): PageText {
  const stack: string[] = [];
  let skipDepth = 0;
  let mainDepth = -1;
  let boilerplateDepth = -1;
  let inTitle = false;
  let inH1 = false;
  let headingDepth = 0;
  const headings: string[] = [];
  let title = '';
  let heading = '';
  const body: string[] = [];
  const main: string[] = [];
  let sawMain = false;

  const parser = new Parser(
    {
      onopentag(name, attributes) {
        stack.push(name);
        if (name === 'title') inTitle = true;
        if (name === 'h1' && heading === '') inH1 = true;
        if (HEADINGS.has(name)) {
          headingDepth++;
          headings.push(' ');
        }
        if (SKIPPED.has(name)) skipDepth++;
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
        if (inTitle) title += text;
        if (inH1) heading += text;
        if (skipDepth > 0 || boilerplateDepth >= 0 || inTitle) return;
        if (headingDepth > 0) headings.push(text);
        body.push(text);
        if (mainDepth >= 0) main.push(text);
      },
      onclosetag(name) {
        if (name === 'title') inTitle = false;
        if (name === 'h1') inH1 = false;
        if (HEADINGS.has(name) && headingDepth > 0) headingDepth--;
        if (SKIPPED.has(name) && skipDepth > 0) skipDepth--;
        if (mainDepth >= 0 && stack.length === mainDepth) mainDepth = -1;
        if (boilerplateDepth >= 0 && stack.length === boilerplateDepth) boilerplateDepth = -1;
        stack.pop();
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();

  const clean = (value: string) => value.replace(/\s+/g, ' ').trim();
  const mainText = clean(main.join(''));
  return {
    title: clean(title),
    heading: clean(heading),
    headings: clean(headings.join('')),
    text: mainText || clean(body.join('')),
  };
}
