import { pageHref } from '../../pack/page-links.js';
import { escapeHtml } from '../../search/snippet.js';
import { wikiPageHtml, type WikiPageParts } from './page-html.js';
import { categoryPath } from './render-page.js';
import { categoryTitle, type Namespaces } from './titles.js';

export const CATEGORY_PAGE_SIZE = 200;

/** Members of one category, gathered while pages are rendered. */
export interface CategoryMembers {
  pages: { title: string; path: string }[];
  subcategories: string[];
}

export interface CategoryPage {
  path: string;
  title: string;
  html: string;
}

const byTitle = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Page 1 of a category has the category's own path; further pages sit under `_/`, which no title can take. */
function pagePath(name: string, page: number, namespaces: Namespaces): string {
  const first = categoryPath(name, namespaces);
  return page === 1 ? first : `_/categories/${first}/${page}`;
}

/**
 * The pages of one category: its description (when the dump has the category's own page), its
 * subcategories, then its pages, CATEGORY_PAGE_SIZE to a page with previous and next links.
 */
export function categoryPages(
  name: string,
  members: CategoryMembers,
  description: string,
  site: Pick<WikiPageParts, 'siteName' | 'language' | 'mainPath'>,
  namespaces: Namespaces,
  exists: (title: string) => boolean,
): CategoryPage[] {
  const title = categoryTitle(name, namespaces);
  const pages = [...members.pages].sort((a, b) => byTitle(a.title, b.title));
  const subcategories = [...new Set(members.subcategories)].sort(byTitle);
  const count = Math.max(1, Math.ceil(pages.length / CATEGORY_PAGE_SIZE));
  const result: CategoryPage[] = [];
  for (let page = 1; page <= count; page++) {
    const path = pagePath(name, page, namespaces);
    const link = (to: string, label: string) => `<a href="${pageHref(path, to)}">${escapeHtml(label)}</a>`;
    let body = page === 1 ? description : '';
    if (page === 1 && subcategories.length > 0) {
      const items = subcategories.map((sub) =>
        exists(categoryTitle(sub, namespaces))
          ? `<li>${link(categoryPath(sub, namespaces), sub)}</li>`
          : `<li>${escapeHtml(sub)}</li>`,
      );
      body += `<h2>Subcategories</h2><ul>${items.join('')}</ul>`;
    }
    const shown = pages.slice((page - 1) * CATEGORY_PAGE_SIZE, page * CATEGORY_PAGE_SIZE);
    if (shown.length > 0) {
      body += `<h2>Pages in category “${escapeHtml(name)}”</h2>`;
      body += `<p>${pages.length.toLocaleString('en')} pages${count > 1 ? `, page ${page} of ${count}` : ''}.</p>`;
      body += `<ul>${shown.map((member) => `<li>${link(member.path, member.title)}</li>`).join('')}</ul>`;
    }
    const around = [
      page > 1 ? link(pagePath(name, page - 1, namespaces), '← previous') : '',
      page < count ? link(pagePath(name, page + 1, namespaces), 'next →') : '',
    ].filter(Boolean);
    if (around.length > 0) body += `<p class="pages">${around.join(' · ')}</p>`;
    const shownTitle = page === 1 ? title : `${title} (${page})`;
    result.push({
      path,
      title: shownTitle,
      html: wikiPageHtml({ ...site, path, title: shownTitle, body, categories: [], noindex: page > 1 }),
    });
  }
  return result;
}
