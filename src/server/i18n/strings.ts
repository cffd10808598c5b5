/** Every string the server's pages show, so each language is one complete catalog. */
export interface UiStrings {
  library: string;
  search: string;
  searchPlaceholderLibrary: string;
  /** `{title}` is the bundle's title. */
  searchPlaceholderBundle: string;
  randomPage: string;
  download: string;
  /** `{count}` pages. */
  pages: string;
  allLanguages: string;
  allTags: string;
  filter: string;
  noBundlesMatch: string;
  /** `{query}` */
  noResults: string;
  /** `{first}`, `{last}`, `{total}`, `{query}` */
  resultsSummary: string;
  previous: string;
  next: string;
  /** {page} of {pages}: where a list of several pages is. */
  pageOf: string;
  notFound: string;
  error: string;
  backToLibrary: string;
  catalog: string;
  externalTitle: string;
  /** `{url}` */
  externalExplanation: string;
  externalOpenAnyway: string;
  goBack: string;
  tooManySearches: string;
  searchTooSlow: string;
  /** `{names}`: bundles left out of a library-wide search while their files are replaced. */
  beingReplaced: string;
  /** A page or the index read from a damaged bundle: said to readers, detailed in the log. */
  damaged: string;
  bundleBeingReplaced: string;
}

export type UiLanguage = 'en' | 'fr' | 'es' | 'ar';

export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}
