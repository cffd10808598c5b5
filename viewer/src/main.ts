/**
 * The viewer's only script. Everything works without it; with it, the address bar follows the
 * page read in the frame (so the URL can be shared and reloaded), the tab shows the page's title,
 * links that leave the server open a page that says so, and the search box suggests titles.
 * The frame is sandboxed, so the page tells us these things by message (see the server's frame shim).
 */
import { attachSuggestions } from './suggest.js';

const CONTENT_PREFIX = '/content/';

interface FrameMessage {
  ferry?: string;
  href?: string;
  title?: string;
}

function followFrame(frame: HTMLIFrameElement): void {
  const bundleTitle = document.title;
  window.addEventListener('message', (event: MessageEvent<FrameMessage>) => {
    if (event.source !== frame.contentWindow || typeof event.data?.href !== 'string') return;
    let url: URL;
    try {
      url = new URL(event.data.href);
    } catch {
      return;
    }
    if (event.data.ferry === 'external' && /^https?:$/.test(url.protocol)) {
      window.location.href = `/external?url=${encodeURIComponent(url.href)}`;
      return;
    }
    if (
      event.data.ferry !== 'page' ||
      url.origin !== window.location.origin ||
      !url.pathname.startsWith(CONTENT_PREFIX)
    )
      return;
    const viewerPath = '/viewer/' + url.pathname.slice(CONTENT_PREFIX.length) + url.search + url.hash;
    if (viewerPath !== window.location.pathname + window.location.search + window.location.hash) {
      history.replaceState(null, '', viewerPath);
    }
    const title = typeof event.data.title === 'string' ? event.data.title : '';
    document.title = title ? `${title} — ${bundleTitle}` : bundleTitle;
  });
}

const frame = document.getElementById('content');
if (frame instanceof HTMLIFrameElement) {
  // A shared address keeps the section after '#', which the server never sees: hand it to the frame.
  if (location.hash && !frame.src.includes('#')) frame.src += location.hash;
  followFrame(frame);
}
const form = document.querySelector('form.search');
if (form instanceof HTMLFormElement) attachSuggestions(form);

// The external-link page's "go back": a link to the library without script, the previous page with it
// (an inline javascript: link would break the server's content security policy).
document.querySelectorAll<HTMLAnchorElement>('a.go-back').forEach((link) => {
  link.addEventListener('click', (event: MouseEvent) => {
    if (history.length < 2) return;
    event.preventDefault();
    history.back();
  });
});
