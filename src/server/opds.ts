import type { LibraryBundle } from './library.js';
import { viewerUrl } from './pages/layout.js';
import { illustrationUrl } from './pages/library-page.js';

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

function xml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => XML_ESCAPES[character]!);
}

function entry(item: LibraryBundle): string {
  const { metadata, contentDigest, counts } = item.bundle.manifest;
  const name = encodeURIComponent(item.name);
  const updated = `${metadata.date}T00:00:00Z`;
  const author = metadata.creator ? `<author><name>${xml(metadata.creator)}</name></author>` : '';
  const categories = metadata.tags.map((tag) => `<category term="${xml(tag)}" label="${xml(tag)}"/>`).join('');
  const languages = metadata.language
    .split(',')
    .map((language) => `<dc:language>${xml(language)}</dc:language>`)
    .join('');
  return `<entry>
<id>urn:ferry:${xml(contentDigest)}</id>
<title>${xml(metadata.title)}</title>
<updated>${updated}</updated>
<summary>${xml(metadata.description)}</summary>
${languages}<dc:publisher>${xml(metadata.publisher)}</dc:publisher><dc:source>${xml(metadata.source)}</dc:source><dc:rights>${xml(metadata.license)}</dc:rights>
<name>${xml(metadata.name)}</name><articleCount>${counts.pages}</articleCount>
${author}${categories}
<link rel="http://opds-spec.org/image/thumbnail" type="image/png" href="${xml(illustrationUrl(item))}"/>
<link rel="alternate" type="text/html" href="${viewerUrl(item.name, item.bundle.manifest.mainPage)}"/>
<link rel="http://opds-spec.org/acquisition/open-access" type="application/zip" length="${item.bytes}" href="/download/${name}"/>
</entry>`;
}

/** An OPDS 1.2 acquisition feed (Atom) of the bundles, as Kiwix and e-readers read catalogs. */
export function opdsFeed(items: LibraryBundle[], selfUrl: string): string {
  const updated = items.reduce(
    (latest, item) => (item.bundle.manifest.metadata.date > latest ? item.bundle.manifest.metadata.date : latest),
    '1970-01-01',
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/terms/" xmlns:opds="http://opds-spec.org/2010/catalog">
<id>urn:ferry:catalog</id>
<title>ferry library</title>
<updated>${updated}T00:00:00Z</updated>
<link rel="self" type="application/atom+xml;profile=opds-catalog;kind=acquisition" href="${xml(selfUrl)}"/>
<link rel="start" type="application/atom+xml;profile=opds-catalog;kind=acquisition" href="/catalog/entries.xml"/>
${items.map(entry).join('\n')}
</feed>
`;
}
