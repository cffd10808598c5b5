import { pageHref } from '../../pack/page-links.js';
import { escapeHtml } from '../../search/snippet.js';

/** The stylesheet every page links to; `_` cannot start a MediaWiki title, so no page can take its path. */
export const STYLESHEET_PATH = '_/wiki.css';

export const STYLESHEET = `body{max-width:60em;margin:auto;padding:0 1em 2em;font-family:sans-serif;line-height:1.5;color:#202122}
nav.site{padding:.5em 0;border-bottom:1px solid #ccc;margin-bottom:.5em}
a{color:#0645ad}.missing{color:#ba0000}.hatnote{font-style:italic;padding-left:1.5em}
table.infobox{float:right;clear:right;margin:0 0 1em 1em;border:1px solid #aaa;background:#f8f9fa;max-width:22em;font-size:90%}
table.infobox caption{font-weight:bold;font-size:110%}table.infobox th{text-align:left;vertical-align:top;padding-right:.5em}
table.wikitable{border-collapse:collapse;margin:1em 0}table.wikitable td,table.wikitable th{border:1px solid #aaa;padding:.2em .4em}
table.wikitable th{background:#eaecf0}pre{background:#f8f9fa;border:1px solid #eee;padding:.5em;overflow:auto}
ol.references{font-size:90%}footer.categories{margin-top:2em;padding:.5em;border:1px solid #aaa;background:#f8f9fa}
@media (max-width:40em){table.infobox{float:none;margin:0 0 1em}}
`;

export interface WikiPageParts {
  siteName: string;
  language: string;
  /** This page's path and the main page's, for relative links. */
  path: string;
  mainPath: string;
  title: string;
  body: string;
  /** Category names with the paths of their pages. */
  categories: { name: string; path: string }[];
  /** Kept out of search (lists of links). */
  noindex?: boolean;
}

/**
 * A whole page: the site's name linking home, the title, the content in <main> (what search
 * reads), categories in a footer. No script: it reads the same without JavaScript.
 */
export function wikiPageHtml(parts: WikiPageParts): string {
  const { path } = parts;
  const categories =
    parts.categories.length > 0
      ? `<footer class="categories">Categories: ${parts.categories
          .map((category) => `<a href="${pageHref(path, category.path)}">${escapeHtml(category.name)}</a>`)
          .join(' · ')}</footer>`
      : '';
  return (
    `<!DOCTYPE html><html lang="${escapeHtml(parts.language)}"><head><meta charset="utf-8">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    (parts.noindex ? '<meta name="robots" content="noindex">' : '') +
    `<title>${escapeHtml(parts.title)}</title>` +
    `<link rel="stylesheet" href="${pageHref(path, STYLESHEET_PATH)}"></head><body>` +
    `<nav class="site"><a href="${pageHref(path, parts.mainPath)}">${escapeHtml(parts.siteName)}</a></nav>` +
    `<main><h1>${escapeHtml(parts.title)}</h1>\n${parts.body}\n</main>${categories}</body></html>`
  );
}
