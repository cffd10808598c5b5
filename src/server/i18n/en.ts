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
  externalTitle: 'This link leaves the local network',
  externalExplanation:
    'It points to {url}, which is outside this offline library. It will only open on a device connected to the internet.',
  externalOpenAnyway: 'Try it anyway',
  goBack: 'Go back',
  tooManySearches: 'Too many searches at once. Wait a moment and try again.',
  searchTooSlow: 'The search took too long. Try fewer or more precise words.',
  beingReplaced: 'Not searched, being replaced: {names}.',
  damaged:
    'This page is damaged on the server’s disk. Whoever keeps this library can check the bundle with “ferry verify” and copy it again.',
  bundleBeingReplaced: 'This bundle is being replaced. Try again in a moment.',
};
