import type { SearchResults } from '../../search/searcher.js';
import { escapeHtml, snippetHtml } from '../../search/snippet.js';
import { fill } from '../i18n/strings.js';
import { hitUrl, layout, type LayoutOptions } from './layout.js';

export interface SearchPageOptions extends Pick<LayoutOptions, 'ui' | 'assetVersions'> {
  results: SearchResults;
  limit: number;
  bundle?: { name: string; title: string } | undefined;
  labelBundles: boolean;
  /** Bundles left out because their files are being replaced. */
  unavailable?: string[];
}

function pageLink(results: SearchResults, offset: number, label: string, bundle: string | undefined): string {
  const query = new URLSearchParams({ q: results.query, offset: String(offset) });
  if (bundle) query.set('bundle', bundle);
  return `<a href="/search?${escapeHtml(query.toString())}">${escapeHtml(label)}</a>`;
}

export function searchPage(options: SearchPageOptions): string {
  const { results, limit, bundle, labelBundles, ui } = options;
  const items = results.hits
    .map(
      (hit) =>
        `<li><a dir="auto" href="${escapeHtml(hitUrl(hit))}">${escapeHtml(hit.title)}</a>${
          labelBundles ? ` <span class="bundle-label">${escapeHtml(hit.bundle)}</span>` : ''
        }<p dir="auto">${snippetHtml(hit.snippet)}</p></li>`,
    )
    .join('\n');
  const first = results.total === 0 ? 0 : results.offset + 1;
  const last = results.offset + results.hits.length;
  const previous =
    results.offset > 0 ? pageLink(results, Math.max(0, results.offset - limit), ui.t.previous, bundle?.name) : '';
  const next = last < results.total ? pageLink(results, last, ui.t.next, bundle?.name) : '';
  const summary =
    results.total === 0
      ? fill(ui.t.noResults, { query: results.query })
      : fill(ui.t.resultsSummary, { first, last, total: results.total, query: results.query });
  const names = options.unavailable ?? [];
  const missing =
    names.length > 0
      ? `<p class="unavailable">${escapeHtml(fill(ui.t.beingReplaced, { names: names.join(', ') }))}</p>`
      : '';
  return layout({
    ui,
    assetVersions: options.assetVersions,
    title: `${results.query} — ${ui.t.search}`,
    bundle,
    query: results.query,
    body: `<main class="search-page"><p class="summary">${escapeHtml(summary)}</p>${missing}<ol class="results" start="${first}">${items}</ol><nav class="pages">${previous} ${next}</nav></main>`,
  });
}
