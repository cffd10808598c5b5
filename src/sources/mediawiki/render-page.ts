import { structurePrior } from '../../search/structure.js';
import { extractPageText } from '../../pack/html-text.js';
import type { SearchDocument } from '../../search/shard-builder.js';
import { categoriesOf } from './categories.js';
import { cleanParsoidHtml } from './enterprise/parsoid-html.js';
import { wikiPageHtml } from './page-html.js';
import { TemplateStore, type TemplateStoreData } from './template-store.js';
import { TemplateExpander } from './templates/expand.js';
import { TemplateCounts } from './templates/template-counts.js';
import { categoryTitle, TitleSet, titlePath, type Namespaces } from './titles.js';
import { renderWikitext } from './wikitext/render.js';

/** What every page of one dump shares; sent once to each worker thread. */
export interface RenderSetup {
  namespaces: Namespaces;
  /** Sorted title keys of every page and redirect the bundle will have (TitleSet's buffer). */
  titleKeys: ArrayBufferLike;
  siteName: string;
  /** The language as HTML's lang attribute has it (en, fr). */
  htmlLanguage: string;
  mainPath: string;
  templates: TemplateStoreData | undefined;
  /** The dump's date (ms since 1970), which {{CURRENTYEAR}} and #time give. */
  nowMs: number;
  /** The wiki's address, for {{fullurl:}}. */
  server: string;
  /** The wiki's database name (enwiktionary). */
  wiki: string;
}

export interface PageJob {
  title: string;
  path: string;
  /** The page's wikitext (from an XML dump). */
  text: string;
  namespace: number;
  /** The page as the wiki rendered it (an Enterprise HTML dump), rendered instead of `text`. */
  parsoidHtml?: string;
  /** Its categories, when the dump lists them rather than the wikitext naming them. */
  categories?: string[];
  /** Titles that redirect to it, when the dump lists them with the page. */
  redirects?: string[];
}

export interface RenderedPage {
  path: string;
  /** The whole page, and its content alone (for a category's description). */
  html: string;
  body: string;
  search: SearchDocument;
  categories: string[];
}

export function categoryPath(name: string, namespaces: Namespaces): string {
  return titlePath(categoryTitle(name, namespaces));
}

export interface PageRenderer {
  render(job: PageJob): RenderedPage;
  /** Template calls per name and outcome since the last time they were taken. */
  counts: TemplateCounts;
}

/**
 * Renders pages of one wiki to whole HTML pages with their search text: wikitext with its
 * templates expanded, or the wiki's own rendering cleaned.
 */
export function createPageRenderer(setup: RenderSetup): PageRenderer {
  const titles = new TitleSet(new Float64Array(setup.titleKeys));
  const { namespaces } = setup;
  const exists = (title: string) => titles.has(title);
  const counts = new TemplateCounts();
  const expander = new TemplateExpander(new TemplateStore(setup.templates, namespaces, titles), counts);
  const now = new Date(setup.nowMs);
  const render = (job: PageJob): RenderedPage => {
    const context = {
      title: job.title,
      namespaces,
      siteName: setup.siteName,
      now,
      language: setup.htmlLanguage,
      server: setup.server,
      wiki: setup.wiki,
    };
    const links = { namespaces, pagePath: job.path, title: job.title, exists };
    const body =
      job.parsoidHtml !== undefined
        ? cleanParsoidHtml(job.parsoidHtml, links)
        : renderWikitext(job.text, links, { expander, page: context }).body;
    const categories = job.categories ?? categoriesOf(job.text, namespaces);
    const html = wikiPageHtml({
      siteName: setup.siteName,
      language: setup.htmlLanguage,
      path: job.path,
      mainPath: setup.mainPath,
      title: job.title,
      body,
      categories: categories.map((name) => ({ name, path: categoryPath(name, namespaces) })),
    });
    const page = extractPageText(html);
    return {
      path: job.path,
      html,
      body,
      search: {
        path: job.path,
        title: job.title,
        headings: page.headings,
        names: page.names,
        headingTexts: page.headingTexts,
        text: page.text,
        prior: structurePrior(page),
      },
      categories,
    };
  };
  return { render, counts };
}
