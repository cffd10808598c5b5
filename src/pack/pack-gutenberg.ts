import { performance } from 'node:perf_hooks';
import { gutenbergCollection } from '../sources/gutenberg/collection.js';
import type { Selection } from '../sources/gutenberg/select.js';
import { languageList } from '../languages.js';
import { packCollection, type PackOptions, type PackSummary } from './pack-site.js';

export interface PackGutenbergOptions extends PackOptions {
  mirror: string;
  selection: Selection;
  /** rdf-files.tar.bz2 to read the catalog from, instead of the mirror's own records. */
  catalog?: string | undefined;
}

const DEFAULT_TITLE = 'Project Gutenberg';

/** Packs the selected books of a Project Gutenberg mirror, with browse pages, into one bundle. */
export async function packGutenberg(options: PackGutenbergOptions): Promise<PackSummary & { books: number }> {
  const started = performance.now();
  const warn = options.onWarning ?? (() => undefined);
  const title = options.metadata.title?.trim() || DEFAULT_TITLE;
  const collection = await gutenbergCollection(options.mirror, options.selection, title, warn, options.catalog);
  const summary = await packCollection(
    collection,
    {
      ...options,
      mainPage: 'index.html',
      metadata: {
        title,
        source: 'https://www.gutenberg.org/',
        license: 'Public domain in the USA (Project Gutenberg licence)',
        creator: 'Project Gutenberg',
        ...options.metadata,
        // The books' languages, the most common first (its stemmer serves search); --language wins.
        language: options.metadata.language || languageList(collection.languages),
      },
    },
    started,
  );
  return { ...summary, books: collection.books };
}
