import { categoryPages, type CategoryMembers, type CategoryPage } from './category-pages.js';
import type { WikiPageParts } from './page-html.js';
import type { Namespaces } from './titles.js';

/**
 * What the category pages need, gathered while the pages stream by: each category's pages and
 * subcategories, and its own description when the dump has the category's page.
 */
export class CategoryIndex {
  private readonly members = new Map<string, CategoryMembers>();
  private readonly descriptions = new Map<string, string>();

  private membersOf(name: string): CategoryMembers {
    let entry = this.members.get(name);
    if (!entry) this.members.set(name, (entry = { pages: [], subcategories: [] }));
    return entry;
  }

  addPage(category: string, title: string, path: string): void {
    this.membersOf(category).pages.push({ title, path });
  }

  addSubcategory(parent: string, name: string): void {
    this.membersOf(parent).subcategories.push(name);
  }

  describe(name: string, body: string): void {
    this.descriptions.set(name, body);
  }

  get size(): number {
    return this.members.size;
  }

  /** Every category's pages, in order of their names. */
  *pages(
    site: Pick<WikiPageParts, 'siteName' | 'language' | 'mainPath'>,
    namespaces: Namespaces,
    exists: (title: string) => boolean,
  ): Generator<CategoryPage & { first: boolean }> {
    for (const name of [...this.members.keys()].sort()) {
      const pages = categoryPages(
        name,
        this.members.get(name)!,
        this.descriptions.get(name) ?? '',
        site,
        namespaces,
        exists,
      );
      for (const [index, page] of pages.entries()) yield { ...page, first: index === 0 };
    }
  }
}
