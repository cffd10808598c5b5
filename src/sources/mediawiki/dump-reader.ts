import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { FerryError } from '../../errors.js';
import type { OpenedDump } from './open-dump.js';
import { defaultNamespaces, type Namespaces } from './titles.js';

export interface SiteInfo {
  siteName: string;
  dbName: string;
  /** The URL of the wiki's main page, such as https://en.wikipedia.org/wiki/Main_Page. */
  base: string;
  generator: string;
  /** The root element's xml:lang (en, fr): the wiki's content language. */
  language: string;
  namespaces: Namespaces;
}

export interface DumpPage {
  title: string;
  namespace: number;
  id: string;
  /** The target title when the page is a redirect. */
  redirect: string | undefined;
  /** The wikitext of the last revision in the dump. */
  text: string;
  timestamp: string;
  /** Set when the page's text was longer than the limit and was not kept. */
  tooLarge: boolean;
}

export type DumpEvent = { type: 'siteinfo'; siteInfo: SiteInfo } | { type: 'page'; page: DumpPage };

/** The dump ended early or is damaged; `pages` complete pages came before. */
export class DumpDamagedError extends FerryError {
  constructor(
    /** What is wrong and where, in one sentence without a full stop. */
    readonly summary: string,
    advice: string,
    readonly pages: number,
  ) {
    super('INPUT_INVALID', `${summary}. ${advice}`);
  }
}

/** Text longer than this (in characters) is not kept: MediaWiki's own limit is 2 MB. */
export const MAX_PAGE_CHARACTERS = 8 * 1024 * 1024;

/**
 * A copy that does not share memory with the chunk of XML it came from. V8 keeps small strings cut
 * from a large one as slices that hold the whole parent alive: a title kept for the whole pack
 * would otherwise keep its 128 kB chunk of the dump, and all of them the whole dump.
 */
export function ownCopy(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

const SITE_FIELDS = new Set(['sitename', 'dbname', 'base', 'generator', 'case']);
const PAGE_FIELDS = new Set(['title', 'ns', 'id']);
const REVISION_FIELDS = new Set(['text', 'timestamp']);

/** Collects the pieces of one dump as the XML streams by; hands out whole pages and the siteinfo. */
class DumpCollector {
  readonly events: DumpEvent[] = [];
  private readonly path: string[] = [];
  private capture: string[] | undefined;
  private captureSize = 0;
  private fields: Record<string, string> = {};
  private siteFields: Record<string, string> = {};
  private namespaces = defaultNamespaces();
  private namespaceKey = 0;
  private redirect: string | undefined;
  private language = '';
  private tooLarge = false;
  pages = 0;
  lastTitle = '';
  insidePage = false;
  closedRoot = false;

  open(tag: SaxesTagPlain): void {
    const parent = this.path[this.path.length - 1];
    this.path.push(tag.name);
    const depth = this.path.length;
    if (depth === 1) this.language = (tag.attributes['xml:lang'] ?? '').trim().toLowerCase();
    if (depth === 2 && tag.name === 'page') {
      this.insidePage = true;
      this.fields = {};
      this.redirect = undefined;
      this.tooLarge = false;
    } else if (depth === 2 && tag.name === 'siteinfo') {
      this.namespaces = { names: {}, numbers: { ...defaultNamespaces().numbers }, caseMode: 'first-letter' };
    }
    if (parent === 'page' && tag.name === 'redirect') this.redirect = ownCopy(tag.attributes.title ?? '');
    if (parent === 'namespaces' && tag.name === 'namespace') this.namespaceKey = Number(tag.attributes.key ?? 0);
    const wanted =
      (parent === 'siteinfo' && SITE_FIELDS.has(tag.name)) ||
      (parent === 'namespaces' && tag.name === 'namespace') ||
      (parent === 'page' && PAGE_FIELDS.has(tag.name)) ||
      (parent === 'revision' && REVISION_FIELDS.has(tag.name));
    if (wanted) {
      this.capture = [];
      this.captureSize = 0;
    }
  }

  text(text: string): void {
    if (!this.capture) return;
    this.captureSize += text.length;
    if (this.captureSize > MAX_PAGE_CHARACTERS) {
      this.tooLarge = true;
      this.capture = [];
      return;
    }
    this.capture.push(text);
  }

  close(name: string): void {
    const value = this.capture?.join('');
    this.capture = undefined;
    this.path.pop();
    const parent = this.path[this.path.length - 1];
    if (value !== undefined) {
      if (parent === 'siteinfo') this.siteFields[name] = ownCopy(value.trim());
      else if (parent === 'namespaces') this.addNamespace(ownCopy(value.trim()));
      // A full-history dump has many revisions: the last one wins. Only the text is not kept past its page.
      else this.fields[name] = name === 'text' ? value : ownCopy(value);
    }
    if (this.path.length === 1 && name === 'siteinfo') this.finishSiteInfo();
    if (this.path.length === 1 && name === 'page') this.finishPage();
    if (this.path.length === 0) this.closedRoot = true;
  }

  private addNamespace(name: string): void {
    this.namespaces.names[this.namespaceKey] = name;
    if (name !== '') this.namespaces.numbers[name.toLowerCase()] = this.namespaceKey;
  }

  private finishSiteInfo(): void {
    const fields = this.siteFields;
    this.namespaces.caseMode = fields.case || 'first-letter';
    this.namespaces.names[0] ??= '';
    this.events.push({
      type: 'siteinfo',
      siteInfo: {
        siteName: fields.sitename ?? '',
        dbName: fields.dbname ?? '',
        base: fields.base ?? '',
        generator: fields.generator ?? '',
        language: this.language,
        namespaces: this.namespaces,
      },
    });
  }

  private finishPage(): void {
    this.insidePage = false;
    const title = (this.fields.title ?? '').trim();
    this.pages++;
    this.lastTitle = title;
    this.events.push({
      type: 'page',
      page: {
        title,
        namespace: Number(this.fields.ns ?? 0),
        id: (this.fields.id ?? '').trim(),
        redirect: this.redirect,
        text: this.fields.text ?? '',
        timestamp: (this.fields.timestamp ?? '').trim(),
        tooLarge: this.tooLarge,
      },
    });
  }
}

const reason = (error: Error) => error.message.trim().replace(/[.;:]+$/, '');

function where(collector: DumpCollector, dump: OpenedDump): string {
  const after = collector.lastTitle ? `, after page "${collector.lastTitle}"` : '';
  return `at byte ${dump.bytesRead().toLocaleString('en')} of ${dump.size.toLocaleString('en')}${after}`;
}

/**
 * Reads a dump as a stream of events: the siteinfo first, then each page as soon as it is
 * complete, so a dump of any size passes through a few megabytes of memory. Damage (cut short,
 * bad compressed data, malformed XML) ends it with a DumpDamagedError that names the place.
 */
export async function* readDump(dump: OpenedDump): AsyncGenerator<DumpEvent> {
  const collector = new DumpCollector();
  const parser = new SaxesParser();
  let xmlError: Error | undefined;
  let ended = false;
  // After the first error nothing more is collected: the pages before it are the ones to trust.
  parser.on('opentag', (tag) => {
    if (!xmlError) collector.open(tag);
  });
  parser.on('text', (text) => {
    if (!xmlError) collector.text(text);
  });
  parser.on('cdata', (text) => {
    if (!xmlError) collector.text(text);
  });
  parser.on('closetag', (tag) => {
    if (!xmlError) collector.close(tag.name);
  });
  parser.on('error', (error) => (xmlError ??= error));
  const decoder = new TextDecoder('utf-8');
  try {
    for await (const chunk of dump.stream as AsyncIterable<Buffer>) {
      parser.write(decoder.decode(chunk, { stream: true }));
      if (xmlError) break;
      yield* collector.events.splice(0);
    }
    if (!xmlError) {
      ended = true;
      parser.write(decoder.decode()).close();
    }
  } catch (error) {
    dump.stream.destroy();
    throw new DumpDamagedError(
      `The dump is cut short or damaged ${where(collector, dump)}: ${reason(error as Error)}`,
      'Download it again, or give --partial to pack the complete pages before the damage.',
      collector.pages,
    );
  }
  if (xmlError && !ended) {
    dump.stream.destroy();
    const inside = collector.insidePage ? ' inside a page' : '';
    throw new DumpDamagedError(
      `The dump is not well-formed XML${inside} ${where(collector, dump)}: ${reason(xmlError)}`,
      'Give --partial to pack the complete pages before it.',
      collector.pages,
    );
  }
  yield* collector.events.splice(0);
  if (xmlError || !collector.closedRoot) {
    throw new DumpDamagedError(
      `The dump ends early ${where(collector, dump)}: the XML stops before </mediawiki>`,
      'Download it again, or give --partial to pack the complete pages.',
      collector.pages,
    );
  }
}
