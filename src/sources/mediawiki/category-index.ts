import { ExternalSorter } from '../../external-sort.js';
import { categoryPages, type CategoryMembers, type CategoryPage } from './category-pages.js';
import type { WikiPageParts } from './page-html.js';
import type { Namespaces } from './titles.js';

/** What a record says of its category; the order here is the order on the category's page. */
const enum Part {
  Description = '0',
  Subcategory = '1',
  Page = '2',
}

/**
 * What the category pages need, gathered while the pages stream by: each category's pages and
 * subcategories, and its own description when the dump has the category's page. A large wiki has
 * millions of memberships, so they are sorted on disk, by category, and read back one category
 * at a time.
 */
export class CategoryIndex {
  private readonly records: ExternalSorter;
  private categories = 0;

  /** `spillPath`: a temporary file for the sort, made only when memory would not do. */
  constructor(spillPath: string) {
    this.records = new ExternalSorter(spillPath);
  }

  private add(category: string, part: Part, ...fields: string[]): void {
    this.records.add(Buffer.from([category, part + fields.join('\0')].join('\0'), 'utf8'));
  }

  addPage(category: string, title: string, path: string): void {
    this.add(category, Part.Page, title, path);
  }

  addSubcategory(parent: string, name: string): void {
    this.add(parent, Part.Subcategory, name);
  }

  describe(name: string, body: string): void {
    this.add(name, Part.Description, body);
  }

  /** How many categories have a page; known once pages() has run. */
  get size(): number {
    return this.categories;
  }

  /** Every category's pages, in byte order of their names; only categories with members have any. */
  *pages(
    site: Pick<WikiPageParts, 'siteName' | 'language' | 'mainPath'>,
    namespaces: Namespaces,
    exists: (title: string) => boolean,
  ): Generator<CategoryPage & { first: boolean }> {
    this.categories = 0;
    for (const { name, members, description } of this.grouped()) {
      if (members.pages.length === 0 && members.subcategories.length === 0) continue;
      this.categories++;
      const pages = categoryPages(name, members, description, site, namespaces, exists);
      for (const [index, page] of pages.entries()) yield { ...page, first: index === 0 };
    }
  }

  /** The sorted records gathered by category: one category's members in memory at a time. */
  private *grouped(): Generator<{ name: string; members: CategoryMembers; description: string }> {
    let current: { name: string; members: CategoryMembers; description: string } | undefined;
    for (const record of this.records.sorted()) {
      const [name, partAndFirst, ...rest] = record.toString('utf8').split('\0') as [string, string, ...string[]];
      if (current?.name !== name) {
        if (current) yield current;
        current = { name, members: { pages: [], subcategories: [] }, description: '' };
      }
      const part = partAndFirst.charAt(0) as Part;
      const first = partAndFirst.slice(1);
      if (part === Part.Description) current.description = [first, ...rest].join('\0');
      else if (part === Part.Subcategory) current.members.subcategories.push(first);
      else current.members.pages.push({ title: first, path: rest[0] ?? '' });
    }
    if (current) yield current;
  }

  /** Removes the temporary file. */
  close(): void {
    this.records.close();
  }
}
