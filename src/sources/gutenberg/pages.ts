import { pageHref } from '../../pack/page-links.js';
import { escapeHtml } from '../../search/snippet.js';
import type { Format } from './select.js';
import type { Agent, BookRecord } from './rdf.js';
import { foldCaseAndAccents as fold } from '../../fold.js';

/** A book as the bundle carries it. */
export interface PackedBook {
  record: BookRecord;
  title: string;
  /** The page to read the book on. */
  reading: string;
  downloads: { format: Format; path: string; bytes: number }[];
}

export interface GeneratedPage {
  path: string;
  html: () => string;
}

const PAGE_SIZE = 100;
const TOP_BOOKS = 20;
const FORMAT_NAMES: Record<Format, string> = { html: 'HTML', epub: 'EPUB', txt: 'Plain text', kindle: 'Kindle' };

/** MARC relator codes the catalog uses for contributors, as a reader says them. */
const ROLE_NAMES: Record<string, string> = {
  ann: 'annotator',
  aui: 'author of introduction',
  com: 'compiler',
  ctb: 'contributor',
  edt: 'editor',
  ill: 'illustrator',
  trl: 'translator',
  pht: 'photographer',
  cmm: 'commentator',
  adp: 'adapter',
  dub: 'dubious author',
  oth: 'other',
};

export const bookFolder = (id: number) => `books/${id}`;
export const bookPagePath = (id: number) => `${bookFolder(id)}/index.html`;

const href = pageHref;

/** A file-name-safe key: "Carroll, Lewis" → "carroll-lewis". */
function slug(text: string): string {
  return (
    fold(text)
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'other'
  );
}

function letterOf(text: string): string {
  const first = fold(text).replace(/^[^\p{L}\p{N}]+/u, '')[0] ?? '';
  return /[a-z]/.test(first) ? first : '0';
}

function lifeDates(agent: Pick<Agent, 'birth' | 'death'>): string {
  if (agent.birth === undefined && agent.death === undefined) return '';
  return ` (${agent.birth ?? '?'}–${agent.death ?? ''})`;
}

const LANGUAGE_NAMES = new Intl.DisplayNames(['en'], { type: 'language' });

function languageName(code: string): string {
  try {
    return LANGUAGE_NAMES.of(code) ?? code;
  } catch {
    // A code Intl cannot read (the catalog has a few odd ones) is shown as it is.
    return code;
  }
}

/**
 * Every page shares one plain layout: a line of links to the browse pages, no script, so it
 * reads the same in old browsers and without JavaScript. A list's pages after its first are
 * marked noindex: search finds a subject or a shelf by its title, then its books, not every page
 * that lists them (lists of links rank below books anyway, search/structure.ts).
 */
function layout(path: string, title: string, body: string, noindex = false, titleLanguage?: string): string {
  const nav = [
    ['index.html', 'Home'],
    ['browse/titles/a.html', 'Titles'],
    ['browse/authors/a.html', 'Authors'],
    ['browse/languages.html', 'Languages'],
    ['browse/subjects.html', 'Subjects'],
    ['browse/bookshelves.html', 'Bookshelves'],
  ]
    .map(([to, label]) => `<a href="${href(path, to!)}">${label}</a>`)
    .join(' · ');
  return (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    (noindex ? '<meta name="robots" content="noindex">' : '') +
    `<title>${escapeHtml(title)}</title>` +
    '<style>body{max-width:48em;margin:auto;padding:1em;font-family:sans-serif;line-height:1.4}' +
    'nav{margin-bottom:1em}li{margin:.2em 0}.meta{color:#555}</style></head>' +
    // The pages speak English; a book's title is in the book's language, for screen readers and fonts.
    `<body><nav>${nav}</nav><main><h1${titleLanguage ? ` lang="${escapeHtml(titleLanguage)}"` : ''}>${escapeHtml(title)}</h1>${body}</main></body></html>`
  );
}

/** Splits a list over pages of PAGE_SIZE: base.html, base-2.html, … each linking to its neighbours. */
function paginate(
  base: string,
  title: string,
  items: ((path: string) => string)[],
  indexed: 'first' | 'all' = 'first',
): GeneratedPage[] {
  const count = Math.max(1, Math.ceil(items.length / PAGE_SIZE));
  const pathOf = (page: number) => (page === 1 ? `${base}.html` : `${base}-${page}.html`);
  return Array.from({ length: count }, (_, index) => {
    const page = index + 1;
    const path = pathOf(page);
    return {
      path,
      html: () => {
        const shown = items.slice(index * PAGE_SIZE, page * PAGE_SIZE).map((item) => `<li>${item(path)}</li>`);
        const pager = [
          page > 1 ? `<a href="${href(path, pathOf(page - 1))}" rel="prev">← previous</a>` : '',
          count > 1 ? `page ${page} of ${count}` : '',
          page < count ? `<a href="${href(path, pathOf(page + 1))}" rel="next">next →</a>` : '',
        ].join(' ');
        const heading = count > 1 ? `${title} (${page}/${count})` : title;
        return layout(path, heading, `<ul>${shown.join('')}</ul><p>${pager}</p>`, indexed === 'first' && page > 1);
      },
    };
  });
}

function bookItem(book: PackedBook): (from: string) => string {
  const authors = book.record.agents.filter((agent) => agent.role === 'creator').map((agent) => agent.name);
  const by = authors.length > 0 ? ` <span class="meta">by ${escapeHtml(authors.join('; '))}</span>` : '';
  return (from) => `<a href="${href(from, bookPagePath(book.record.id))}">${escapeHtml(book.title)}</a>${by}`;
}

const byTitle = (a: PackedBook, b: PackedBook) =>
  fold(a.title).localeCompare(fold(b.title)) || a.record.id - b.record.id;

interface Group {
  key: string;
  label: string;
  sortKey: string;
  books: PackedBook[];
}

/** Books grouped by a facet (author, subject…), each group with a unique slug. */
function groupBy(books: PackedBook[], facet: (book: PackedBook) => { label: string; sortKey: string }[]): Group[] {
  const groups = new Map<string, Group>();
  for (const book of books) {
    for (const { label, sortKey } of facet(book)) {
      let group = groups.get(label);
      if (!group) groups.set(label, (group = { key: '', label, sortKey, books: [] }));
      // A book may name a value twice (an author as writer and illustrator): list it once.
      if (group.books[group.books.length - 1] !== book) group.books.push(book);
    }
  }
  const sorted = [...groups.values()].sort(
    (a, b) => a.sortKey.localeCompare(b.sortKey) || (a.label < b.label ? -1 : 1),
  );
  const used = new Set<string>();
  for (const group of sorted) {
    let key = slug(group.sortKey);
    for (let n = 2; used.has(key); n++) key = `${slug(group.sortKey)}-${n}`;
    used.add(key);
    group.key = key;
    group.books.sort(byTitle);
  }
  return sorted;
}

/** A link to a group's page, with how many books it has. */
function groupItem(group: Group, folder: string): (from: string) => string {
  return (from) =>
    `<a href="${href(from, `browse/${folder}/${group.key}.html`)}">${escapeHtml(group.label)}</a> <span class="meta">(${group.books.length})</span>`;
}

function authorFacet(book: PackedBook) {
  return book.record.agents.map((agent) => ({ label: `${agent.name}${lifeDates(agent)}`, sortKey: fold(agent.name) }));
}

/** A facet's index (paginated) and one paginated page of books per value. */
function facetPages(folder: string, indexPath: string, title: string, groups: Group[]): GeneratedPage[] {
  const index = paginate(
    indexPath,
    title,
    groups.map((group) => groupItem(group, folder)),
  );
  return [
    ...index,
    ...groups.flatMap((group) => paginate(`browse/${folder}/${group.key}`, group.label, group.books.map(bookItem))),
  ];
}

/** The home page and every browse page: titles and authors A–Z, languages, subjects, bookshelves. */
export function browsePages(books: PackedBook[], collectionTitle: string): GeneratedPage[] {
  const pages: GeneratedPage[] = [];
  const letters = 'abcdefghijklmnopqrstuvwxyz0'.split('');
  const letterNav = (from: string, folder: string) =>
    letters
      .map(
        (letter) =>
          `<a href="${href(from, `browse/${folder}/${letter}.html`)}">${letter === '0' ? '#' : letter.toUpperCase()}</a>`,
      )
      .join(' ');

  /** The 27 lists of an A–Z index (# for the rest), from items with their sort keys. */
  const alphabetical = (
    folder: string,
    label: string,
    items: { sortKey: string; item: (from: string) => string }[],
  ) => {
    for (const letter of letters) {
      const shown = items.filter((entry) => letterOf(entry.sortKey) === letter).map((entry) => entry.item);
      const heading = `${label}: ${letter === '0' ? '#' : letter.toUpperCase()}`;
      pages.push(...paginate(`browse/${folder}/${letter}`, heading, shown));
    }
  };
  alphabetical(
    'titles',
    'Titles',
    [...books].sort(byTitle).map((book) => ({ sortKey: book.title, item: bookItem(book) })),
  );
  const authors = groupBy(books, authorFacet);
  alphabetical(
    'authors',
    'Authors',
    authors.map((group) => ({ sortKey: group.sortKey, item: groupItem(group, 'author') })),
  );
  // Author pages are searchable, so an author's name finds them and suggests them.
  pages.push(
    ...authors.flatMap((group) =>
      paginate(`browse/author/${group.key}`, group.label, group.books.map(bookItem), 'all'),
    ),
  );
  const languages = groupBy(books, (book) =>
    book.record.languages.map((code) => ({ label: `${languageName(code)} (${code})`, sortKey: code })),
  );
  pages.push(...facetPages('language', 'browse/languages', 'Languages', languages));
  pages.push(
    ...facetPages(
      'subject',
      'browse/subjects',
      'Subjects',
      groupBy(books, (book) => book.record.subjects.map((label) => ({ label, sortKey: fold(label) }))),
    ),
  );
  pages.push(
    ...facetPages(
      'bookshelf',
      'browse/bookshelves',
      'Bookshelves',
      groupBy(books, (book) => book.record.bookshelves.map((label) => ({ label, sortKey: fold(label) }))),
    ),
  );

  // Letter links on the first page of each A–Z list.
  for (const page of pages) {
    const list = /^browse\/(titles|authors)\/[a-z0]\.html$/.exec(page.path);
    if (!list) continue;
    const html = page.html;
    page.html = () => html().replace('<main>', `<main><p>${letterNav(page.path, list[1]!)}</p>`);
  }

  const top = [...books].sort(
    (a, b) => (b.record.downloads ?? 0) - (a.record.downloads ?? 0) || a.record.id - b.record.id,
  );
  pages.push({
    path: 'index.html',
    html: () =>
      layout(
        'index.html',
        collectionTitle,
        `<p>${books.length} books from Project Gutenberg.</p><h2>Most downloaded</h2><ol>` +
          top
            .slice(0, TOP_BOOKS)
            .map((book) => `<li>${bookItem(book)('index.html')}</li>`)
            .join('') +
          '</ol>',
        true,
      ),
  });
  return pages;
}

/** A book's own page: who wrote it, what it is about, where to read it, what to download. */
export function bookPage(book: PackedBook, authorKey: (agent: Agent) => string | undefined): GeneratedPage {
  const path = bookPagePath(book.record.id);
  const { record } = book;
  const row = (label: string, value: string) => (value ? `<tr><th>${label}</th><td>${value}</td></tr>` : '');
  const agents = record.agents
    .map((agent) => {
      const key = authorKey(agent);
      const name = `${escapeHtml(agent.name)}${lifeDates(agent)}`;
      const linked = key ? `<a href="${href(path, `browse/author/${key}.html`)}">${name}</a>` : name;
      const role = ROLE_NAMES[agent.role] ?? agent.role;
      return agent.role === 'creator' ? linked : `${linked} <span class="meta">(${escapeHtml(role)})</span>`;
    })
    .join('<br>');
  const downloads = book.downloads
    .map(
      (file) =>
        `<li><a href="${href(path, file.path)}" download>${FORMAT_NAMES[file.format]}</a> <span class="meta">${Math.max(1, Math.round(file.bytes / 1024))} KB</span></li>`,
    )
    .join('');
  return {
    path,
    html: () =>
      layout(
        path,
        book.title,
        `<p><a href="${href(path, book.reading)}"><strong>Read this book</strong></a></p>` +
          '<table>' +
          row('Author', agents) +
          row('Language', record.languages.map((code) => escapeHtml(languageName(code))).join(', ')) +
          row('Subjects', record.subjects.map(escapeHtml).join('<br>')) +
          row('Bookshelves', record.bookshelves.map(escapeHtml).join('<br>')) +
          row('Released', escapeHtml(record.issued ?? '')) +
          row('Downloads', record.downloads === undefined ? '' : `${record.downloads} in the last 30 days`) +
          row('Rights', escapeHtml(record.rights ?? '')) +
          row('EBook', `#${record.id}`) +
          '</table>' +
          (downloads ? `<h2>Download</h2><ul>${downloads}</ul>` : ''),
        false,
        record.languages[0],
      ),
  };
}

/** Author page keys as the browse pages give them, for linking from book pages. */
export function authorKeys(books: PackedBook[]): (agent: Agent) => string | undefined {
  const keys = new Map(groupBy(books, authorFacet).map((group) => [group.label, group.key]));
  return (agent) => keys.get(`${agent.name}${lifeDates(agent)}`);
}
