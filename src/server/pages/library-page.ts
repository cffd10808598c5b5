import { formatBytes } from '../../format.js';
import { escapeHtml } from '../../search/snippet.js';
import { fill } from '../i18n/strings.js';
import type { LibraryBundle } from '../library.js';
import { publishedFiles, SIDECAR_LABELS } from '../published-files.js';
import { illustrationUrl, layout, viewerUrl, type LayoutOptions } from './layout.js';

export interface LibraryFilters {
  language?: string | undefined;
  tag?: string | undefined;
  /** Which page of cards, from 1 (?page=); the catalog ignores it. */
  page?: number | undefined;
}

/**
 * Cards on one page of the library: a phone on a slow network gets a page it can show, not a
 * thousand cards (half a megabyte of HTML, and their pictures).
 */
export const CARDS_PER_PAGE = 60;

/** The filters a request asks for with ?lang=, ?tag= and ?page=. */
export function filtersOf(query: Record<string, unknown>): LibraryFilters {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const page = Number(text(query.page));
  return {
    language: text(query.lang),
    tag: text(query.tag),
    page: Number.isInteger(page) && page > 1 ? page : undefined,
  };
}

/** The library address of another page of the same filters. */
function pageUrl(filters: LibraryFilters, page: number): string {
  const query = new URLSearchParams();
  if (filters.language) query.set('lang', filters.language);
  if (filters.tag) query.set('tag', filters.tag);
  if (page > 1) query.set('page', String(page));
  const text = query.toString();
  return text ? `/?${text}` : '/';
}

export function matchesFilters(item: LibraryBundle, filters: LibraryFilters): boolean {
  const { metadata } = item.manifest;
  if (filters.language && !metadata.language.split(',').includes(filters.language)) return false;
  if (filters.tag && !metadata.tags.includes(filters.tag)) return false;
  return true;
}

function card(item: LibraryBundle, options: PageOptions): string {
  const { metadata, counts, mainPage } = item.manifest;
  const name = encodeURIComponent(item.name);
  const t = options.ui.t;
  return `<li class="card">
<a href="${viewerUrl(item.name, mainPage)}"><img src="${illustrationUrl(item)}" width="48" height="48" alt=""><h2 dir="auto">${escapeHtml(metadata.title)}</h2></a>
<p dir="auto">${escapeHtml(metadata.description)}</p>
<p class="facts">${escapeHtml(metadata.language)} · ${escapeHtml(fill(t.pages, { count: counts.pages }))} · ${formatBytes(item.bytes)} · ${escapeHtml(metadata.date)}</p>
<p class="actions"><a href="/download/${name}" download>${escapeHtml(t.download)}</a>${publishedFiles(item)
    .map((file) => ` · <a href="${file.url}" type="${file.type}">${SIDECAR_LABELS[file.kind]}</a>`)
    .join('')}</p>
</li>`;
}

function select(name: string, label: string, values: string[], chosen: string | undefined): string {
  const options = values.map(
    (value) =>
      `<option value="${escapeHtml(value)}"${value === chosen ? ' selected' : ''}>${escapeHtml(value)}</option>`,
  );
  return `<select name="${name}" aria-label="${escapeHtml(label)}"><option value="">${escapeHtml(label)}</option>${options.join('')}</select>`;
}

type PageOptions = Pick<LayoutOptions, 'ui' | 'assetVersions'>;

/** The library home: a card per bundle, and filters by language and tag that work as a plain form. */
export function libraryPage(bundles: LibraryBundle[], filters: LibraryFilters, options: PageOptions): string {
  const t = options.ui.t;
  const languages = [...new Set(bundles.flatMap((item) => item.manifest.metadata.language.split(',')))].sort();
  const tags = [...new Set(bundles.flatMap((item) => item.manifest.metadata.tags))].sort();
  const matching = bundles.filter((item) => matchesFilters(item, filters));
  const pages = Math.max(1, Math.ceil(matching.length / CARDS_PER_PAGE));
  const page = Math.min(filters.page ?? 1, pages);
  const shown = matching.slice((page - 1) * CARDS_PER_PAGE, page * CARDS_PER_PAGE);
  const link = (to: number, label: string) => `<a href="${escapeHtml(pageUrl(filters, to))}">${escapeHtml(label)}</a>`;
  const pager =
    pages > 1
      ? `<nav class="pages">${page > 1 ? link(page - 1, t.previous) : ''} ${escapeHtml(
          fill(t.pageOf, { page, pages }),
        )} ${page < pages ? link(page + 1, t.next) : ''}</nav>`
      : '';
  const form = `<form class="filters" action="/" method="get">${select('lang', t.allLanguages, languages, filters.language)} ${select('tag', t.allTags, tags, filters.tag)} <button type="submit">${escapeHtml(t.filter)}</button></form>`;
  const cards =
    shown.length > 0
      ? `<ul class="cards">${shown.map((item) => card(item, options)).join('\n')}</ul>`
      : `<p>${escapeHtml(t.noBundlesMatch)}</p>`;
  return layout({
    ...options,
    title: `ferry — ${t.library}`,
    body: `<main class="library-page"><h1>${escapeHtml(t.library)}</h1>${form}${cards}${pager}<p class="catalog"><a href="/catalog/entries.xml">${escapeHtml(t.catalog)}</a></p></main>`,
  });
}
