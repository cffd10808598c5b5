import { formatBytes } from '../../format.js';
import { escapeHtml } from '../../search/snippet.js';
import type { LibraryBundle } from '../library.js';
import { layout, viewerUrl } from './layout.js';

function card(item: LibraryBundle): string {
  const { metadata, counts, mainPage } = item.bundle.manifest;
  const name = encodeURIComponent(item.name);
  return `<li class="card">
<a href="${viewerUrl(item.name, mainPage)}"><img src="/_ferry/illustration/${name}" width="48" height="48" alt=""><h2>${escapeHtml(metadata.title)}</h2></a>
<p>${escapeHtml(metadata.description)}</p>
<p class="facts"><span lang="">${escapeHtml(metadata.language)}</span> · ${counts.pages} pages · ${formatBytes(item.bytes)} · ${escapeHtml(metadata.date)}</p>
<p class="actions"><a href="/download/${name}" download>Download</a></p>
</li>`;
}

export function libraryPage(bundles: LibraryBundle[]): string {
  return layout({
    title: 'ferry library',
    body: `<main class="library-page"><h1>Library</h1><ul class="cards">${bundles.map(card).join('\n')}</ul></main>`,
  });
}
