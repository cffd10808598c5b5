import { categoriesOf } from './categories.js';
import { DumpDamagedError, readDump, type DumpPage, type SiteInfo } from './dump-reader.js';
import { openDump, type Bzip2Choice } from './open-dump.js';
import { TemplateStoreWriter, type TemplateStoreData } from './template-store.js';
import {
  CATEGORY,
  categoryTitle,
  defaultNamespaces,
  fullTitle,
  KeyList,
  MODULE,
  parseTitle,
  TEMPLATE,
  TitleSet,
  titleKey,
  type Namespaces,
} from './titles.js';

export interface ScanOptions {
  /** Namespaces whose pages become pages of the bundle (0, the articles, always). */
  namespaces: Set<number>;
  bzip2?: Bzip2Choice;
  /** Go on with the complete pages when the dump is damaged, instead of failing. */
  partial: boolean;
  onProgress?: (bytes: number, totalBytes: number, pages: number) => void;
  /** Where the texts of the dump's templates are kept for the second pass. */
  templatesPath: string;
}

export interface DumpScan {
  siteInfo: SiteInfo;
  /** Titles that will be pages, redirects or category pages: what links may point at. */
  titles: TitleSet;
  /** Pages to render. */
  pages: number;
  firstArticle: string | undefined;
  /** The newest revision's time (ms since 1970), the bundle's date; 0 when the dump gives none. */
  newestMs: number;
  /** The damage that ended the dump early, when --partial let the pack go on. */
  damage: DumpDamagedError | undefined;
  /** The dump's templates, on disk; the caller removes the file with `templateWriter.remove()`. */
  templates: TemplateStoreData;
  templateWriter: TemplateStoreWriter;
}

const MAX_REDIRECT_HOPS = 8;

/** A dump without <siteinfo> (an export of a few pages can lack it) is read with MediaWiki's defaults. */
export function emptySiteInfo(): SiteInfo {
  return { siteName: '', dbName: '', base: '', generator: '', language: '', namespaces: defaultNamespaces() };
}

function addCategoryKeys(text: string, namespaces: Namespaces, keys: KeyList): void {
  for (const category of categoriesOf(text, namespaces)) keys.push(titleKey(categoryTitle(category, namespaces)));
}

/** Whether a page is one the bundle carries as a page of its own. */
export function isPackedPage(page: DumpPage, namespaces: Set<number>): boolean {
  return namespaces.has(page.namespace) && page.redirect === undefined && page.text.trim() !== '' && !page.tooLarge;
}

/** Keeps the redirects whose chain ends, within a few hops, at a page the bundle has. */
function validRedirects(pages: Float64Array, from: KeyList, to: KeyList): number[] {
  const articles = new TitleSet(pages.slice().sort());
  const order = Array.from({ length: from.length }, (_, index) => index).sort((a, b) => from.at(a) - from.at(b));
  const sortedFrom = Float64Array.from(order, (index) => from.at(index));
  const targetOf = (key: number): number | undefined => {
    let low = 0;
    let high = sortedFrom.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (sortedFrom[middle] === key) return to.at(order[middle]!);
      if (sortedFrom[middle]! < key) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  };
  const valid: number[] = [];
  for (let index = 0; index < from.length; index++) {
    let key: number | undefined = to.at(index);
    for (let hop = 0; key !== undefined && hop < MAX_REDIRECT_HOPS; hop++) {
      if (articles.hasKey(key)) {
        valid.push(from.at(index));
        break;
      }
      key = targetOf(key);
    }
  }
  return valid;
}

/**
 * The first pass over a dump: which titles the bundle will have, so that the second pass can
 * render each link as present or missing. Holds 8 bytes per title, not the titles.
 */
export async function scanDump(path: string, options: ScanOptions): Promise<DumpScan> {
  const dump = await openDump(path, options.bzip2);
  let siteInfo: SiteInfo | undefined;
  const pages = new KeyList();
  const redirectFrom = new KeyList();
  const redirectTo = new KeyList();
  let count = 0;
  let firstArticle: string | undefined;
  let newestMs = 0;
  let damage: DumpDamagedError | undefined;
  const templates = new TemplateStoreWriter(options.templatesPath);
  try {
    for await (const event of readDump(dump)) {
      if (event.type === 'siteinfo') {
        siteInfo = event.siteInfo;
        continue;
      }
      const { page } = event;
      siteInfo ??= emptySiteInfo();
      const { namespaces } = siteInfo;
      if (page.namespace === TEMPLATE && !page.tooLarge) {
        templates.add(page.title, page.redirect !== undefined ? `#REDIRECT [[${page.redirect}]]` : page.text);
      } else if (page.namespace === MODULE) {
        templates.addName(page.title);
      }
      if (page.redirect !== undefined && options.namespaces.has(page.namespace)) {
        redirectFrom.push(titleKey(page.title));
        redirectTo.push(titleKey(fullTitle(parseTitle(page.redirect, namespaces), namespaces)));
      } else if (isPackedPage(page, options.namespaces)) {
        pages.push(titleKey(page.title));
        firstArticle ??= page.namespace === 0 ? page.title : undefined;
        count++;
        newestMs = Math.max(newestMs, Date.parse(page.timestamp) || 0);
        addCategoryKeys(page.text, namespaces, pages);
      } else if (page.namespace === CATEGORY && page.redirect === undefined) {
        // A category in a category makes the parent's page exist, to list it as a subcategory.
        addCategoryKeys(page.text, namespaces, pages);
      }
      options.onProgress?.(dump.bytesRead(), dump.size, count);
    }
  } catch (error) {
    if (!(error instanceof DumpDamagedError) || !options.partial) {
      templates.remove();
      throw error;
    }
    damage = error;
  }
  siteInfo ??= emptySiteInfo();
  const valid = validRedirects(pages.view(), redirectFrom, redirectTo);
  for (const key of valid) pages.push(key);
  return {
    siteInfo,
    titles: TitleSet.fromKeys(pages.view()),
    pages: count,
    firstArticle,
    newestMs,
    damage,
    templates: templates.finish(),
    templateWriter: templates,
  };
}
