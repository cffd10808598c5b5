import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { FerryError } from '../errors.js';
import { CategoryIndex } from '../sources/mediawiki/category-index.js';
import { DumpDamagedError } from '../sources/mediawiki/dump-reader.js';
import { readEnterpriseRecords, type EnterpriseRecord } from '../sources/mediawiki/enterprise/records.js';
import { STYLESHEET, STYLESHEET_PATH } from '../sources/mediawiki/page-html.js';
import type { RenderSetup } from '../sources/mediawiki/render-page.js';
import { RenderPool } from '../sources/mediawiki/render-pool.js';
import { RenderWindow } from '../sources/mediawiki/render-window.js';
import {
  CATEGORY,
  defaultNamespaces,
  KeyList,
  TitleSet,
  titleKey,
  titlePath,
  titlePathProblem,
  type Namespaces,
} from '../sources/mediawiki/titles.js';
import { BundleAssembler } from './assembler.js';
import { chooseDictionary } from './choose-dictionary.js';
import { addCategoryPages, wikiMetadata, type MediawikiSummary, type PackMediawikiOptions } from './pack-mediawiki.js';

/**
 * Names given twice in a dump (a record repeated, two articles listing one redirect, a redirect
 * named as an article): the first article keeps its name, then the first redirect; the others
 * are left out. Only the few names found twice in the first pass are remembered in the second.
 */
class UniqueNames {
  private readonly articles: TitleSet;
  private readonly twiceArticles: Set<number>;
  private readonly twiceRedirects: Set<number>;
  private readonly taken = new Set<number>();
  skipped = 0;

  constructor(articleKeys: KeyList, redirectKeys: KeyList) {
    this.articles = TitleSet.fromKeys(articleKeys.view());
    this.twiceArticles = repeated(articleKeys.view());
    this.twiceRedirects = repeated(redirectKeys.view());
  }

  /** Whether the article may take its name. */
  article(title: string): boolean {
    return this.claim(titleKey(title), this.twiceArticles);
  }

  /** Whether the redirect may take its name: not an article's, nor an earlier redirect's. */
  redirect(title: string): boolean {
    const key = titleKey(title);
    if (this.articles.hasKey(key)) return false;
    return this.claim(key, this.twiceRedirects);
  }

  private claim(key: number, twice: Set<number>): boolean {
    if (!twice.has(key)) return true;
    if (this.taken.has(key)) {
      this.skipped++;
      return false;
    }
    this.taken.add(key);
    return true;
  }
}

function repeated(keys: Float64Array): Set<number> {
  const sorted = keys.slice().sort();
  const twice = new Set<number>();
  for (let index = 1; index < sorted.length; index++)
    if (sorted[index] === sorted[index - 1]) twice.add(sorted[index]!);
  return twice;
}

/** What the first pass learns: the wiki, its titles, its category prefix, its newest date. */
interface EnterpriseScan {
  first: EnterpriseRecord;
  /** The first article (namespace 0) of the wiki: the main page unless --main names one. */
  firstArticle: string;
  titles: TitleSet;
  names: UniqueNames;
  pages: number;
  otherWikis: number;
  newestMs: number;
  namespaces: Namespaces;
  damage: DumpDamagedError | undefined;
}

/** The category's name without the wiki's prefix (`Kategorie:Begriffsklärung` → `Begriffsklärung`). */
const categoryName = (fullTitle: string) => fullTitle.slice(fullTitle.indexOf(':') + 1);

async function scanRecords(options: PackMediawikiOptions, included: Set<number>): Promise<EnterpriseScan> {
  const { dump, records } = await readEnterpriseRecords(options.dump);
  const keys = new KeyList();
  const articleKeys = new KeyList();
  const redirectKeys = new KeyList();
  let first: EnterpriseRecord | undefined;
  let firstArticle: string | undefined;
  let pages = 0;
  let otherWikis = 0;
  let newestMs = 0;
  let damage: DumpDamagedError | undefined;
  const namespaces = defaultNamespaces();
  try {
    for await (const record of records) {
      first ??= record;
      if (record.wiki !== first.wiki) {
        otherWikis++;
        continue;
      }
      if (!included.has(record.namespace)) continue;
      pages++;
      newestMs = Math.max(newestMs, Date.parse(record.dateModified) || 0);
      if (record.namespace === 0) firstArticle ??= record.name;
      keys.push(titleKey(record.name));
      articleKeys.push(titleKey(record.name));
      for (const redirect of record.redirects) {
        keys.push(titleKey(redirect));
        redirectKeys.push(titleKey(redirect));
      }
      for (const category of record.categories) {
        // The wiki's own name for its category namespace, which the records spell out.
        const prefix = category.slice(0, category.indexOf(':'));
        if (prefix && namespaces.names[CATEGORY] === 'Category' && prefix !== 'Category') {
          namespaces.names[CATEGORY] = prefix;
          namespaces.numbers[prefix.toLowerCase()] = CATEGORY;
        }
        keys.push(titleKey(category));
      }
      options.onProgress?.({
        stage: 'reading titles',
        unit: 'pages',
        files: pages,
        totalFiles: 0,
        bytes: dump.bytesRead(),
        totalBytes: dump.size,
      });
    }
  } catch (error) {
    if (!(error instanceof DumpDamagedError) || !options.partial) throw error;
    damage = error;
  }
  if (!first || pages === 0 || firstArticle === undefined) {
    throw new FerryError(
      'INPUT_INVALID',
      'The Enterprise HTML dump has no article to pack (namespace 0, with its HTML).',
    );
  }
  return {
    first,
    firstArticle,
    titles: TitleSet.fromKeys(keys.view()),
    names: new UniqueNames(articleKeys, redirectKeys),
    pages,
    otherWikis,
    newestMs,
    namespaces,
    damage,
  };
}

/**
 * Packs a Wikimedia Enterprise HTML dump (NDJSON of articles with their Parsoid HTML, in a
 * .tar.gz): the wiki's own rendering, cleaned, in the same page layout as from XML, with its
 * redirects, category pages and search. Two streamed passes, as for XML.
 */
export async function packEnterprise(options: PackMediawikiOptions): Promise<MediawikiSummary> {
  const started = performance.now();
  const warn = options.onWarning ?? (() => undefined);
  const included = new Set([0, ...(options.namespaces ?? [])]);
  included.delete(CATEGORY);
  const scan = await scanRecords(options, included);
  if (scan.damage) warn(`${scan.damage.summary}; packing the ${scan.damage.pages} articles before it.`);
  if (scan.otherWikis > 0)
    warn(`${scan.otherWikis} records of other wikis than ${scan.first.wiki} are left out: a bundle holds one wiki.`);
  const { first, titles, namespaces } = scan;
  const exists = (title: string) => titles.has(title);

  const base = first.wikiUrl ? `${first.wikiUrl.replace(/\/$/, '')}/wiki/` : '';
  const siteInfo = {
    siteName: first.wikiName ?? '',
    dbName: first.wiki,
    base,
    generator: '',
    language: first.language,
    namespaces,
  };
  const mainTitle = options.mainPage ?? scan.firstArticle;
  if (!titles.has(mainTitle)) throw new FerryError('USAGE', `--main "${mainTitle}" is not an article of the dump.`);
  const mainPath = titlePath(mainTitle);
  const {
    mtime,
    metadata,
    illustration,
    htmlLanguage: language,
  } = await wikiMetadata(options, siteInfo, scan.newestMs, first.wikiName ?? first.wiki);
  const site = { siteName: metadata.title, language, mainPath };

  const dictionary = await chooseDictionary(options, warn);
  const assembler = await BundleAssembler.create(options.output, mtime, metadata.language, scan.pages, dictionary, {
    path: options.base,
    warn,
  });
  const setup: RenderSetup = {
    namespaces,
    titleKeys: titles.buffer,
    siteName: metadata.title,
    htmlLanguage: language,
    mainPath,
    templates: undefined,
    nowMs: scan.newestMs,
    server: first.wikiUrl,
    wiki: first.wiki,
  };
  // Cleaning a page's HTML and reading its text for search takes the time: one thread per core.
  const pool = new RenderPool(Math.max(1, options.threads ?? availableParallelism()), setup);
  const categories = new CategoryIndex(assembler.spillPath('categories'));
  const skipped: { path: string; reason: string }[] = [];
  let articles = 0;
  const window = new RenderWindow(pool, async (result, job) => {
    if ('error' in result) {
      skipped.push({ path: job.title, reason: `it could not be rendered (${result.error})` });
      return;
    }
    await assembler.addPage(result.path, Buffer.from(result.html), 'text/html', result.search);
    for (const name of result.categories) categories.addPage(name, job.title, job.path);
    for (const redirect of job.redirects ?? []) {
      if (scan.names.redirect(redirect) && !titlePathProblem(titlePath(redirect))) {
        assembler.addRedirect(titlePath(redirect), job.path, redirect);
      }
    }
    articles++;
  });
  try {
    await assembler.addAsset(STYLESHEET_PATH, Buffer.from(STYLESHEET), 'text/css');
    const { dump, records } = await readEnterpriseRecords(options.dump);
    try {
      for await (const record of records) {
        if (record.wiki !== first.wiki || !included.has(record.namespace)) continue;
        if (!scan.names.article(record.name)) continue;
        const path = titlePath(record.name);
        const problem = titlePathProblem(path);
        if (problem) {
          skipped.push({ path: record.name, reason: `its title cannot be a path in the bundle (${problem})` });
          continue;
        }
        await window.add({
          title: record.name,
          path,
          text: '',
          namespace: record.namespace,
          parsoidHtml: record.html,
          categories: record.categories.map(categoryName),
          redirects: record.redirects,
        });
        options.onProgress?.({
          stage: 'packing',
          unit: 'pages',
          files: articles,
          totalFiles: scan.pages,
          bytes: dump.bytesRead(),
          totalBytes: dump.size,
        });
      }
    } catch (error) {
      if (!(error instanceof DumpDamagedError) || !options.partial) throw error;
    }
    await window.finish();
    if (scan.names.skipped > 0)
      warn(`${scan.names.skipped} names given twice in the dump are packed once, the first time.`);
    await addCategoryPages(assembler, categories.pages(site, namespaces, exists));
    const bytesOut = await assembler.finish(metadata, mainPath, illustration);
    return {
      output: options.output,
      name: metadata.name,
      ...assembler.counts,
      articles,
      categories: categories.size,
      bytesIn: dump.size,
      bytesOut,
      seconds: (performance.now() - started) / 1000,
      skipped,
      skippedCount: skipped.length,
    };
  } catch (error) {
    await assembler.abort();
    throw error;
  } finally {
    categories.close();
    await pool.close();
  }
}
