import { escapeHtml } from '../search/snippet.js';
import type { LibraryBundle } from './library.js';
import { publishedFiles } from './published-files.js';
import { illustrationUrl, viewerUrl } from './pages/layout.js';

function entry(item: LibraryBundle): string {
  const { metadata, contentDigest, counts } = item.manifest;
  const name = encodeURIComponent(item.name);
  const updated = `${metadata.date}T00:00:00Z`;
  const author = metadata.creator ? `<author><name>${escapeHtml(metadata.creator)}</name></author>` : '';
  const categories = metadata.tags
    .map((tag) => `<category term="${escapeHtml(tag)}" label="${escapeHtml(tag)}"/>`)
    .join('');
  const languages = metadata.language
    .split(',')
    .map((language) => `<dc:language>${escapeHtml(language)}</dc:language>`)
    .join('');
  return `<entry>
<id>urn:ferry:${escapeHtml(contentDigest)}</id>
<title>${escapeHtml(metadata.title)}</title>
<updated>${updated}</updated>
<summary>${escapeHtml(metadata.description)}</summary>
${languages}<dc:publisher>${escapeHtml(metadata.publisher)}</dc:publisher><dc:source>${escapeHtml(metadata.source)}</dc:source><dc:rights>${escapeHtml(metadata.license)}</dc:rights>
<name>${escapeHtml(metadata.name)}</name><articleCount>${counts.pages}</articleCount>
${author}${categories}
<link rel="http://opds-spec.org/image/thumbnail" type="image/png" href="${escapeHtml(illustrationUrl(item))}"/>
<link rel="alternate" type="text/html" href="${viewerUrl(item.name, item.manifest.mainPage)}"/>
<link rel="http://opds-spec.org/acquisition/open-access" type="application/zip" length="${item.bytes}" href="/download/${name}"/>
${publishedFiles(item)
  .map((file) => `<link rel="alternate" type="${file.type}" href="${file.url}"/>`)
  .join('\n')}
</entry>`;
}

/** An OPDS 1.2 acquisition feed (Atom) of the bundles, as Kiwix and e-readers read catalogs. */
export function opdsFeed(items: LibraryBundle[], selfUrl: string): string {
  const updated = items.reduce(
    (latest, item) => (item.manifest.metadata.date > latest ? item.manifest.metadata.date : latest),
    '1970-01-01',
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/terms/" xmlns:opds="http://opds-spec.org/2010/catalog">
<id>urn:ferry:catalog</id>
<title>ferry library</title>
<updated>${updated}T00:00:00Z</updated>
<link rel="self" type="application/atom+xml;profile=opds-catalog;kind=acquisition" href="${escapeHtml(selfUrl)}"/>
<link rel="start" type="application/atom+xml;profile=opds-catalog;kind=acquisition" href="/catalog/entries.xml"/>
${items.map(entry).join('\n')}
</feed>
`;
}
