import { SaxesParser, type SaxesTagNS } from 'saxes';
import { FerryError } from '../../errors.js';

/** Project Gutenberg's catalog record of one book, from its `pg<ID>.rdf`. */
export interface BookRecord {
  id: number;
  title: string;
  /** Authors (`dcterms:creator`) and contributors (`marcrel:` roles such as `ill`, `trl`, `edt`). */
  agents: Agent[];
  /** RFC 4646 codes as the catalog gives them (`en`, `fr`). */
  languages: string[];
  /** Library of Congress subject headings. */
  subjects: string[];
  bookshelves: string[];
  /** Downloads in the last 30 days, when the catalog says. */
  downloads: number | undefined;
  issued: string | undefined;
  rights: string | undefined;
  /** `Text`, `Sound`, …: only texts are books to read. */
  type: string | undefined;
  files: BookFile[];
}

export interface Agent {
  name: string;
  /** `creator`, or the MARC relator code (`ill` illustrator, `trl` translator, `edt` editor…). */
  role: string;
  birth: number | undefined;
  death: number | undefined;
}

export interface BookFile {
  url: string;
  mediaType: string;
  bytes: number | undefined;
}

const RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
const DCTERMS = 'http://purl.org/dc/terms/';
const PGTERMS = 'http://www.gutenberg.org/2009/pgterms/';
const MARCREL = 'http://id.loc.gov/vocabulary/relators/';
const DCAM = 'http://purl.org/dc/dcam/';

/** An element being read, with its text and the `rdf:about`/`rdf:resource` it names. */
interface Frame {
  uri: string;
  local: string;
  about: string | undefined;
  resource: string | undefined;
  text: string;
  /** rdf:value and dcam:memberOf of an rdf:Description inside this element. */
  value?: string;
  memberOf?: string;
}

function attribute(tag: SaxesTagNS, uri: string, local: string): string | undefined {
  for (const value of Object.values(tag.attributes)) {
    if (value.uri === uri && value.local === local) return value.value;
  }
  return undefined;
}

function integer(text: string): number | undefined {
  const value = Number.parseInt(text.trim(), 10);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * Reads one book's RDF/XML as a stream of tags, keeping only what a bundle needs: nothing of
 * the document is held but the record being built. `label` names the file in errors.
 */
export function parseBookRdf(xml: string, label: string): BookRecord {
  const parser = new SaxesParser({ xmlns: true });
  const stack: Frame[] = [];
  const book: Partial<BookRecord> & Pick<BookRecord, 'agents' | 'languages' | 'subjects' | 'bookshelves' | 'files'> = {
    agents: [],
    languages: [],
    subjects: [],
    bookshelves: [],
    files: [],
  };
  let agent: Partial<Agent> | undefined;
  let file: Partial<BookFile> | undefined;
  const is = (frame: Frame | undefined, uri: string, local: string) => frame?.uri === uri && frame.local === local;

  parser.on('opentag', (tag) => {
    const frame: Frame = {
      uri: tag.uri ?? '',
      local: tag.local ?? tag.name,
      about: attribute(tag, RDF, 'about'),
      resource: attribute(tag, RDF, 'resource'),
      text: '',
    };
    stack.push(frame);
    if (is(frame, PGTERMS, 'ebook') && book.id === undefined) {
      book.id = integer(frame.about?.replace(/^.*ebooks\//, '') ?? '');
    } else if (is(frame, PGTERMS, 'agent')) {
      const role = stack[stack.length - 2];
      agent = { role: role?.uri === MARCREL ? role.local : 'creator' };
    } else if (is(frame, PGTERMS, 'file')) {
      file = { url: frame.about ?? '' };
    }
  });
  parser.on('text', (text) => {
    const frame = stack[stack.length - 1];
    if (frame) frame.text += text;
  });
  parser.on('closetag', () => {
    const frame = stack.pop()!;
    const text = frame.text.trim();
    const up = stack[stack.length - 1];
    if (is(frame, RDF, 'value')) {
      // rdf:value sits in an rdf:Description inside the property (language, subject, format…).
      const property = stack[stack.length - 2];
      if (property) property.value = text;
      return;
    }
    if (is(frame, DCAM, 'memberOf')) {
      const property = stack[stack.length - 2];
      if (property) property.memberOf = frame.resource ?? '';
      return;
    }
    if (agent) {
      if (is(frame, PGTERMS, 'name')) agent.name = text;
      else if (is(frame, PGTERMS, 'birthdate')) agent.birth = integer(text);
      else if (is(frame, PGTERMS, 'deathdate')) agent.death = integer(text);
      else if (is(frame, PGTERMS, 'agent')) {
        if (agent.name)
          book.agents.push({ name: agent.name, role: agent.role!, birth: agent.birth, death: agent.death });
        agent = undefined;
      }
      return;
    }
    if (file) {
      if (is(frame, DCTERMS, 'extent')) file.bytes = integer(text);
      else if (is(frame, DCTERMS, 'format') && frame.value) file.mediaType ??= frame.value;
      else if (is(frame, PGTERMS, 'file')) {
        if (file.url) book.files.push({ url: file.url, mediaType: file.mediaType ?? '', bytes: file.bytes });
        file = undefined;
      }
      return;
    }
    if (!is(up, PGTERMS, 'ebook')) return;
    if (is(frame, DCTERMS, 'title')) book.title ??= text.replace(/\s+/g, ' ');
    else if (is(frame, DCTERMS, 'language') && frame.value) book.languages.push(frame.value);
    else if (is(frame, DCTERMS, 'subject') && frame.value && frame.memberOf?.endsWith('LCSH'))
      book.subjects.push(frame.value);
    else if (is(frame, PGTERMS, 'bookshelf') && frame.value) book.bookshelves.push(frame.value);
    else if (is(frame, PGTERMS, 'downloads')) book.downloads = integer(text);
    else if (is(frame, DCTERMS, 'issued')) book.issued = text;
    else if (is(frame, DCTERMS, 'rights')) book.rights = text;
    else if (is(frame, DCTERMS, 'type') && frame.value) book.type = frame.value;
  });

  try {
    parser.write(xml).close();
  } catch (error) {
    throw new FerryError('INPUT_INVALID', `${label}: not well-formed RDF/XML: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (book.id === undefined) throw new FerryError('INPUT_INVALID', `${label}: no pgterms:ebook with an ID.`);
  return {
    id: book.id,
    title: book.title ?? '',
    agents: book.agents,
    languages: book.languages,
    subjects: book.subjects,
    bookshelves: book.bookshelves,
    downloads: book.downloads,
    issued: book.issued,
    rights: book.rights,
    type: book.type,
    files: book.files,
  };
}
