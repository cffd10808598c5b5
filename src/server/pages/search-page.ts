import type { SearchResults } from '../../search/searcher.js';
import { escapeHtml, snippetHtml } from '../../search/snippet.js';
import { layout, viewerUrl } from './layout.js';

export interface SearchPageOptions {
  results: SearchResults;
  limit: number;
  bundle?: { name: string; title: string } | undefined;
  labelBundles: boolean;
}

function pageLink(results: SearchResults, offset: number, label: string, bundle: string | undefined): string {
  const query = new URLSearchParams({ q: results.query, offset: String(offset) });
  if (bundle) query.set('bundle', bundle);
  return `<a href="/search?${escapeHtml(query.toString())}">${label}</a>`;
}

export function searchPage({ results, limit, bundle, labelBundles }: SearchPageOptions): string {
  const items = results.hits
    .map(
      (hit) =>
        `<li><a href="${viewerUrl(hit.bundle, hit.path)}">${escapeHtml(hit.title)}</a>${
          labelBundles ? ` <span class="bundle-label">${escapeHtml(hit.bundle)}</span>` : ''
        }<p>${snippetHtml(hit.snippet)}</p></li>`,
    )
    .join('\n');
  const first = results.total === 0 ? 0 : results.offset + 1;
  const last = results.offset + results.hits.length;
  const previous =
    results.offset > 0 ? pageLink(results, Math.max(0, results.offset - limit), '&larr; Previous', bundle?.name) : '';
  const next = last < results.total ? pageLink(results, last, 'Next &rarr;', bundle?.name) : '';
  const summary =
    results.total === 0
      ? `No results for “${escapeHtml(results.query)}”.`
      : `Results ${first}–${last} of ${results.total} for “${escapeHtml(results.query)}”.`;
  return layout({
    title: `${results.query} — search`,
    bundle,
    query: results.query,
    body: `<main class="search-page"><p class="summary">${summary}</p><ol class="results" start="${first}">${items}</ol><nav class="pages">${previous} ${next}</nav></main>`,
  });
}
