import type { Namespaces } from '../titles.js';

/** What rendering one page needs to know about the rest of the wiki. */
export interface WikiLinks {
  namespaces: Namespaces;
  /** The page's own bundle path, which relative links start from. */
  pagePath: string;
  /** The page's full title, for {{PAGENAME}} and self links. */
  title: string;
  /** Whether the bundle has a page (or redirect) with this full title. */
  exists(fullTitle: string): boolean;
}

// Private-use characters mark places where finished HTML or a footnote goes; input never has them.
const STASH_OPEN = '\uE000';
const STASH_CLOSE = '\uE001';
const REF_OPEN = '\uE002';
const REF_CLOSE = '\uE003';
export const PRIVATE_USE = /[\uE000-\uE003]/g;
const STASHED = /\uE000(\d+)\uE001/g;
export const REF_MARK = /\uE002(\d+)\uE003/g;
export const REFERENCES_MARK = '\uE000R\uE001';

/** Past this depth the rest is shown as text, not parsed further. */
export const MAX_DEPTH = 24;

export interface Footnote {
  number: number;
  html: string;
}

/** The running state of one page's rendering: stashed HTML, footnotes, categories. */
export class RenderState {
  private readonly stash: string[] = [];
  /** Raw wikitext of every <ref>, in order of appearance, numbered only when shown. */
  readonly refTexts: string[] = [];
  readonly refNames: (string | undefined)[] = [];
  readonly namedRefText = new Map<string, string>();
  readonly footnotes: Footnote[] = [];
  readonly footnoteByName = new Map<string, number>();
  readonly headings: string[] = [];
  referencesPlaced = false;
  /** How deep rendering has nested (tables in cells, links in captions): hostile pages nest thousands deep. */
  depth = 0;
  /** Whether the page's wikitext or templates wrote HTML block tags, which may not be balanced. */
  wroteHtmlTags = false;
  /** Expands the templates of wikitext of this page (a footnote's when `footnote`), set by the renderer. */
  expandText: (text: string, footnote: boolean) => string = (text) => text;

  constructor(readonly links: WikiLinks) {}

  private readonly blocks = new Set<number>();

  /** Keeps finished HTML out of further wikitext processing; returns its marker. */
  keep(html: string): string {
    this.stash.push(html);
    return `${STASH_OPEN}${this.stash.length - 1}${STASH_CLOSE}`;
  }

  /** Like keep, for HTML that is a block of its own (a table, a <pre>) and never goes in a paragraph. */
  keepBlock(html: string): string {
    this.blocks.add(this.stash.length);
    return `\n${this.keep(html)}\n`;
  }

  /** Whether a line holds only block markers. */
  isBlockLine(line: string): boolean {
    const marks = [...line.matchAll(STASHED)];
    return (
      marks.length > 0 &&
      marks.every((mark) => this.blocks.has(Number(mark[1]))) &&
      line.replace(STASHED, '').trim() === ''
    );
  }

  refMark(text: string, name: string | undefined): string {
    this.refTexts.push(text);
    this.refNames.push(name);
    if (name !== undefined && text.trim() !== '' && !this.namedRefText.has(name)) this.namedRefText.set(name, text);
    return `${REF_OPEN}${this.refTexts.length - 1}${REF_CLOSE}`;
  }

  /** Whether rendered HTML, its stashed parts put back, shows no text at all (only tags, or blanks). */
  showsNothing(html: string): boolean {
    return this.restore(html).replace(/<[^>]*>|\s/g, '') === '';
  }

  /** Puts stashed HTML back, however deeply markers were nested. */
  restore(text: string): string {
    let result = text;
    for (let depth = 0; depth < 16 && result.includes(STASH_OPEN); depth++) {
      result = result.replace(STASHED, (_, index: string) => this.stash[Number(index)] ?? '');
    }
    return result;
  }
}
