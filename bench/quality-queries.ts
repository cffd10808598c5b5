/**
 * Queries made from the pages themselves, four kinds per corpus, so that no one chose them:
 * page titles, section headings, API or anchor names, and headings that are questions. A text
 * that names more than one page is left out: its right answer is not known.
 */
import { Parser } from 'htmlparser2';
import type { KnownQuery } from './quality.js';
import { seededRandom } from './random.js';

export type QueryKind = 'title' | 'heading' | 'name' | 'question';
export const QUERY_KINDS: QueryKind[] = ['title', 'heading', 'name', 'question'];

export interface PageFacts {
  path: string;
  title: string;
  headings: { text: string; anchor: string | undefined }[];
  /** Ids of definition terms and anchors that look like names, not numbers or hashes. */
  names: string[];
}

const HEADING = /^h[1-4]$/;
const SKIPPED = new Set(['script', 'style', 'noscript']);
// Generated ids say nothing a reader would type: numbered sections, footnotes, hashes, the
// number MediaWiki and others add to the second section of one name (`Noun_2`, `Page_6`), and a
// word a generator marked with one underscore before or after it (Doxygen's `_intro`, YARD's
// `object_`; Python's `__init__` is a name).
const GENERATED_ID =
  /^(id|sec|section|footnote|fn|ftn|ref|toc|cite|note|index|h|p|s)[-_.]?\d+|^[a-z]?[0-9a-f]{16,}$|^\d|[-_]\d+$|^_[a-z]+$|[^_]_$/i;
const NAME_ID = /^[A-Za-z_$][\w$.:()<>,-]{2,80}$/;
// Ids of generated anchors: long hex runs (Doxygen's `a3f…`), table rows.
const HASHED_ID = /[0-9a-f]{12,}|^row_/;

/** The text as a person would type it: without permalink marks, bullets or overload counters. */
function clean(text: string): string {
  return text
    .replace(/[¶#]\s*$/u, '')
    .replace(/^[^\p{L}\p{N}_~]+/u, '')
    .replace(/\s*\[\d+\/\d+\]$/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whether a text could be typed as a query: a few letters at least. */
function typeable(text: string): boolean {
  return (text.match(/\p{L}/gu) ?? []).length >= 3 && text.length <= 120;
}

/** The title, headings (with the anchor that leads to each) and names of one HTML page. */
export function pageFacts(path: string, html: string): PageFacts {
  const facts: PageFacts = { path, title: '', headings: [], names: [] };
  const stack: { tag: string; id: string | undefined }[] = [];
  let skipping = 0;
  let inTitle = false;
  let text = '';
  let titleElement = '';
  let inTitleElement = 0;
  let heading: { text: string; anchor: string | undefined } | undefined;
  // Pieces of text so far; an element with an id and no text right before a heading leads to it (Texinfo).
  let texts = 0;
  let emptyAnchor: { id: string; depth: number; texts: number } | undefined;
  const opened: number[] = [];
  const parser = new Parser(
    {
      onopentag(tag, attributes) {
        const id = attributes.id ?? (tag === 'a' ? attributes.name : undefined);
        stack.push({ tag, id });
        opened.push(texts);
        if (SKIPPED.has(tag)) skipping++;
        if (tag === 'title') inTitle = true;
        // Pages without <title> (Doxygen's custom headers) name themselves in an element of class "title".
        if (inTitleElement > 0) inTitleElement++;
        else if (!titleElement && /(^|\s)title(\s|$)/.test(attributes.class ?? '')) inTitleElement = 1;
        if (HEADING.test(tag)) {
          let at = stack.length - 1;
          while (at >= 0 && stack[at]!.id === undefined) at--;
          const ownOrAncestor = stack[at]?.id;
          // Inside the section around the heading, and nothing read since: it leads closer.
          const justBefore =
            at < stack.length - 1 && emptyAnchor?.texts === texts && emptyAnchor.depth > at + 1
              ? emptyAnchor.id
              : undefined;
          heading = { text: '', anchor: justBefore ?? ownOrAncestor };
        } else if (heading && id && heading.anchor === undefined) {
          heading.anchor = id;
        }
        const nameLike = id && NAME_ID.test(id) && !GENERATED_ID.test(id) && !HASHED_ID.test(id);
        if (nameLike && (tag === 'dt' || /[._():]|[a-z][A-Z]/.test(id))) {
          facts.names.push(id);
        }
      },
      ontext(chunk) {
        if (chunk.trim() !== '') texts++;
        if (skipping > 0) return;
        text += chunk;
        if (inTitle) facts.title += chunk;
        if (inTitleElement > 0) titleElement += chunk;
        if (heading) heading.text += chunk;
      },
      onclosetag(tag) {
        const closed = stack.pop();
        const textsThen = opened.pop();
        if (closed?.id !== undefined && textsThen === texts)
          emptyAnchor = { id: closed.id, depth: stack.length + 1, texts };
        if (inTitleElement > 0) inTitleElement--;
        if (SKIPPED.has(tag)) skipping--;
        if (tag === 'title') inTitle = false;
        if (HEADING.test(tag) && heading) {
          const text = clean(heading.text);
          if (text) facts.headings.push({ text, anchor: heading.anchor });
          heading = undefined;
        }
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  facts.title = clean(facts.title) || clean(titleElement) || facts.headings[0]?.text || '';
  // An id is a name when the page shows it (`json.dumps`, `Use_in_fiction` as "Use in fiction"),
  // not when a generator made it up (`arr_16_0_`, `letter_W`).
  const shown = text.replace(/\s+/g, ' ').toLowerCase();
  facts.names = facts.names.filter((id) => shown.includes(id.replace(/[_-]+/g, ' ').trim().toLowerCase()));
  return facts;
}

/** The ending most titles share (" — Python 3.11 documentation"), which nobody types. */
function commonSuffix(titles: string[]): string {
  const counts = new Map<string, number>();
  for (const title of titles) {
    const match = /\s+(?:[—–|:-]{1,2})\s+[^—–|]+$/u.exec(title);
    if (match) counts.set(match[0], (counts.get(match[0]) ?? 0) + 1);
  }
  const [suffix, count] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
  return count > titles.length * 0.3 ? suffix : '';
}

/** Query texts of one kind mapped to the pages (and sections) that carry them; only texts of one page are kept. */
function unambiguous(entries: [text: string, page: string, anchor?: string][]): KnownQuery[] {
  const pages = new Map<string, Map<string, string | undefined>>();
  for (const [text, page, anchor] of entries) {
    if (!typeable(text)) continue;
    const found = pages.get(text) ?? new Map<string, string | undefined>();
    if (!found.has(page)) found.set(page, anchor);
    pages.set(text, found);
  }
  return [...pages]
    .filter(([, found]) => found.size === 1)
    .map(([query, found]) => {
      const [expected, anchor] = [...found][0]!;
      return anchor === undefined ? { query, expected } : { query, expected, anchor };
    })
    .sort((a, b) => (a.query < b.query ? -1 : a.query > b.query ? 1 : 0));
}

function sample(queries: KnownQuery[], count: number, seed: number): KnownQuery[] {
  const next = seededRandom(seed);
  const pool = [...queries];
  const chosen: KnownQuery[] = [];
  while (chosen.length < count && pool.length > 0) chosen.push(pool.splice(Math.floor(next() * pool.length), 1)[0]!);
  return chosen;
}

/** A title as search reads it: any case, without its section number or a closing "(…)". */
function titleKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/^[\d.]+\s+/, '')
    .replace(/\s*\([^()]*\)\s*$/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Up to `count` queries of each kind; `names` replaces the ids when an inventory (objects.inv) gives them. */
export function queriesOf(
  pages: PageFacts[],
  count: number,
  seed: number,
  names?: KnownQuery[],
): Record<QueryKind, KnownQuery[]> {
  const suffix = commonSuffix(pages.map((page) => page.title));
  const title = (page: PageFacts) =>
    suffix && page.title.endsWith(suffix) ? page.title.slice(0, -suffix.length) : page.title;
  // A section heading that is also another page's title leads to two pages: FFTW's "Wisdom" is a
  // page ("4.7 Wisdom", "Wisdom (FFTW 3.3.10)") and a section of "Upgrading from FFTW version 2".
  const titled = new Map<string, Set<string>>();
  for (const page of pages) {
    for (const text of [page.title, title(page), page.headings[0]?.text]) {
      if (!text) continue;
      const owners = titled.get(titleKey(text)) ?? new Set<string>();
      titled.set(titleKey(text), owners.add(page.path));
    }
  }
  const titleElsewhere = ([text, path]: [string, string, string | undefined]) =>
    [...(titled.get(titleKey(text)) ?? [])].some((owner) => owner !== path);
  // An anchor named like another page names that page too: Javadoc's serialized form has an
  // anchor `org.apache.commons.lang3.mutable.MutableInt`, and the class has its own page,
  // org/apache/commons/lang3/mutable/MutableInt.html, which is the one a reader wants.
  const pathNamed = new Map<string, string>();
  for (const page of pages)
    pathNamed.set(
      page.path
        .replace(/\.[a-z]+$/i, '')
        .replaceAll('/', '.')
        .toLowerCase(),
      page.path,
    );
  const namedElsewhere = ([text, path]: [string, string]) =>
    titleElsewhere([text, path, undefined]) || (pathNamed.get(text.toLowerCase()) ?? path) !== path;
  const headings = pages
    .flatMap((page) =>
      page.headings.slice(1).map((each) => [each.text, page.path, each.anchor] as [string, string, string | undefined]),
    )
    .filter((entry) => !titleElsewhere(entry));
  return {
    title: sample(unambiguous(pages.map((page) => [title(page), page.path])), count, seed),
    heading: sample(unambiguous(headings.filter(([text]) => !text.endsWith('?'))), count, seed),
    name:
      names ??
      sample(
        unambiguous(
          pages
            .flatMap((page) => page.names.map((id) => [id, page.path] as [string, string]))
            .filter((entry) => !namedElsewhere(entry)),
        ),
        count,
        seed,
      ),
    question: sample(
      unambiguous(
        pages
          .flatMap((page) =>
            page.headings.map((each) => [each.text, page.path, each.anchor] as [string, string, string | undefined]),
          )
          .filter(([text]) => text.endsWith('?')),
      ),
      count,
      seed,
    ),
  };
}
