import { escapeHtml } from '../../search/snippet.js';
import type { LibraryBundle } from '../library.js';
import { contentUrl, layout, type LayoutOptions } from './layout.js';

const FRAME_SANDBOX =
  'allow-scripts allow-forms allow-popups allow-popups-to-escape-sandbox allow-downloads allow-modals';

/** The viewer: the top bar over the page in a frame. The address bar keeps a shareable URL. */
export function viewerPage(
  item: LibraryBundle,
  path: string,
  options: Pick<LayoutOptions, 'ui' | 'assetVersions'>,
  section?: string,
): string {
  // A search hit opens the page at its section; the frame's address carries it, script or not.
  const fragment = section ? `#${encodeURIComponent(section)}` : '';
  const metadata = item.manifest.metadata;
  return layout({
    ...options,
    title: metadata.title,
    bundle: { name: item.name, title: metadata.title },
    bodyClass: 'viewer',
    // No allow-same-origin: the bundle's scripts run in an origin of their own, away from the viewer.
    body: `<iframe id="content" name="content" sandbox="${FRAME_SANDBOX}" src="${escapeHtml(contentUrl(item.name, path) + fragment)}" title="${escapeHtml(metadata.title)}" data-bundle="${escapeHtml(item.name)}"></iframe>`,
  });
}
