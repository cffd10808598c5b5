/**
 * The viewer's only script. Everything works without it; with it, the address bar follows the
 * page read in the frame (so the URL can be shared and reloaded), the tab shows the page's title,
 * and the search box suggests page titles as one types.
 */
import { interceptExternalLinks } from './external-links.js';
import { onFramePage } from './frame.js';
import { attachSuggestions } from './suggest.js';

const CONTENT_PREFIX = '/content/';

function followFrame(frame: HTMLIFrameElement): void {
  const bundleTitle = document.title;
  onFramePage(frame, () => {
    let location: Location;
    let title: string;
    try {
      location = frame.contentWindow!.location;
      title = frame.contentDocument?.title ?? '';
    } catch {
      return; // A page of another origin: nothing to follow.
    }
    if (!location.pathname.startsWith(CONTENT_PREFIX)) return;
    const viewerPath = '/viewer/' + location.pathname.slice(CONTENT_PREFIX.length) + location.search + location.hash;
    if (viewerPath !== window.location.pathname + window.location.search + window.location.hash) {
      history.replaceState(null, '', viewerPath);
    }
    document.title = title ? `${title} — ${bundleTitle}` : bundleTitle;
  });
}

const frame = document.getElementById('content');
if (frame instanceof HTMLIFrameElement) {
  followFrame(frame);
  interceptExternalLinks(frame);
}
const form = document.querySelector('form.search');
if (form instanceof HTMLFormElement) attachSuggestions(form);
