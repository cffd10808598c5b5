import type { UiStrings } from './strings.js';

export const en: UiStrings = {
  library: 'Library',
  search: 'Search',
  searchPlaceholderLibrary: 'Search the library',
  searchPlaceholderBundle: 'Search {title}',
  randomPage: 'Random page',
  download: 'Download',
  pages: '{count} pages',
  allLanguages: 'All languages',
  allTags: 'All tags',
  filter: 'Filter',
  noBundlesMatch: 'No bundle matches these filters.',
  noResults: 'No results for “{query}”.',
  resultsSummary: 'Results {first}–{last} of {total} for “{query}”.',
  previous: '← Previous',
  next: 'Next →',
  notFound: 'Not found',
  error: 'Error',
  backToLibrary: 'Back to the library',
  catalog: 'Catalog (OPDS)',
};
