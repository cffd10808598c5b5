import { escapeHtml } from '../../search/snippet.js';

export interface LayoutOptions {
  title: string;
  body: string;
  /** The bundle the page belongs to: the top bar then searches and picks random pages in it. */
  bundle?: { name: string; title: string } | undefined;
  query?: string;
  bodyClass?: string;
}

export function urlPath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

export function viewerUrl(bundle: string, path: string): string {
  return `/viewer/${encodeURIComponent(bundle)}/${urlPath(path)}`;
}

export function contentUrl(bundle: string, path: string): string {
  return `/content/${encodeURIComponent(bundle)}/${urlPath(path)}`;
}

/** The top bar every page shares: it works as plain links and a form, without JavaScript. */
function topBar(options: LayoutOptions): string {
  const bundle = options.bundle;
  const scope = bundle ? `<input type="hidden" name="bundle" value="${escapeHtml(bundle.name)}">` : '';
  const home = bundle
    ? `<a class="bundle-home" href="/viewer/${encodeURIComponent(bundle.name)}/">${escapeHtml(bundle.title)}</a>`
    : '';
  const random = bundle ? `?bundle=${encodeURIComponent(bundle.name)}` : '';
  return `<header class="topbar">
<a class="library" href="/" title="Library">&#8962; Library</a>${home}
<form class="search" action="/search" method="get" role="search">${scope}<input type="search" name="q" value="${escapeHtml(options.query ?? '')}" placeholder="Search${bundle ? ' ' + escapeHtml(bundle.title) : ' the library'}" aria-label="Search" autocomplete="off" list="suggestions"><datalist id="suggestions"></datalist><button type="submit">Search</button></form>
<a class="random" href="/random${random}">Random page</a>
</header>`;
}

export function layout(options: LayoutOptions): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<link rel="stylesheet" href="/_ferry/viewer.css">
<script src="/_ferry/viewer.js" defer></script>
</head>
<body class="${options.bodyClass ?? ''}">
${topBar(options)}
${options.body}
</body>
</html>
`;
}
