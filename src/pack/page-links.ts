import { posix } from 'node:path';
import { escapeHtml } from '../search/snippet.js';

/**
 * A relative link from one collection path to another, escaped for an attribute, so generated
 * pages work under any prefix the server mounts them at.
 */
export function pageHref(from: string, to: string): string {
  const relative = posix.relative(posix.dirname(from), to) || posix.basename(to);
  return escapeHtml(relative.split('/').map(encodeURIComponent).join('/'));
}
