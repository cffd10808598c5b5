import { escapeHtml } from '../../search/snippet.js';
import type { Ui } from '../i18n/choose.js';
import type { LibraryBundle } from '../library.js';
import { fill } from '../i18n/strings.js';

export interface LayoutOptions {
  ui: Ui;
  title: string;
  body: string;
  /** The bundle the page belongs to: the top bar then searches and picks random pages in it. */
  bundle?: { name: string; title: string } | undefined;
  query?: string;
  bodyClass?: string;
  /** Fingerprints of the viewer's files, so their URLs change when they do and can be cached for good. */
  assetVersions: Record<string, string>;
  /** Without the top bar: for a page shown inside the viewer's frame, under the viewer's own bar. */
  bare?: boolean;
}

export function urlPath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

export function viewerUrl(bundle: string, path: string): string {
  return `/viewer/${encodeURIComponent(bundle)}/${urlPath(path)}`;
}

/** A search hit's address: the viewer at the page, opened at its section when the hit has one. */
export function hitUrl(hit: { bundle: string; path: string; section?: string }): string {
  const url = viewerUrl(hit.bundle, hit.path);
  return hit.section === undefined ? url : `${url}?section=${encodeURIComponent(hit.section)}`;
}

export function contentUrl(bundle: string, path: string): string {
  return `/content/${encodeURIComponent(bundle)}/${urlPath(path)}`;
}

/** The illustration's URL carries the bundle's digest, so browsers may keep it until the bundle changes. */
export function illustrationUrl(item: LibraryBundle): string {
  return `/_ferry/illustration/${encodeURIComponent(item.name)}?v=${bundleVersion(item)}`;
}

export function bundleVersion(item: LibraryBundle): string {
  return item.manifest.contentDigest.slice(7, 23);
}

/** The top bar every page shares: it works as plain links and a form, without JavaScript. */
function topBar(options: LayoutOptions): string {
  const { bundle, ui } = options;
  const scope = bundle ? `<input type="hidden" name="bundle" value="${escapeHtml(bundle.name)}">` : '';
  const home = bundle
    ? `<a class="bundle-home" href="/viewer/${encodeURIComponent(bundle.name)}/">${escapeHtml(bundle.title)}</a>`
    : '';
  const random = bundle ? `?bundle=${encodeURIComponent(bundle.name)}` : '';
  const placeholder = bundle
    ? fill(ui.t.searchPlaceholderBundle, { title: bundle.title })
    : ui.t.searchPlaceholderLibrary;
  return `<header class="topbar">
<a class="library" href="/">&#8962; ${escapeHtml(ui.t.library)}</a>${home}
<form class="search" action="/search" method="get" role="search">${scope}<input type="search" name="q" value="${escapeHtml(options.query ?? '')}" placeholder="${escapeHtml(placeholder)}" aria-label="${escapeHtml(ui.t.search)}" autocomplete="off" list="suggestions"><datalist id="suggestions"></datalist><button type="submit">${escapeHtml(ui.t.search)}</button></form>
<a class="random" href="/random${random}">${escapeHtml(ui.t.randomPage)}</a>
</header>`;
}

export function layout(options: LayoutOptions): string {
  const version = (file: string) => `/_ferry/${file}?v=${options.assetVersions[file] ?? ''}`;
  return `<!doctype html>
<html lang="${options.ui.lang}" dir="${options.ui.dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<link rel="stylesheet" href="${version('viewer.css')}">
<link rel="alternate" type="application/atom+xml;profile=opds-catalog;kind=acquisition" href="/catalog/entries.xml" title="${escapeHtml(options.ui.t.catalog)}">
<script src="${version('viewer.js')}" defer></script>
</head>
<body class="${options.bodyClass ?? ''}">
${options.bare ? '' : topBar(options)}
${options.body}
</body>
</html>
`;
}
