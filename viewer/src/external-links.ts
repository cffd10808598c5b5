import { onFramePage } from './frame.js';

/**
 * Links that leave this server would fail silently on an offline network; in the frame they
 * open a page that says where they lead instead.
 */
export function interceptExternalLinks(frame: HTMLIFrameElement): void {
  onFramePage(frame, () => {
    let page: Document | null;
    try {
      page = frame.contentDocument;
    } catch {
      return;
    }
    page?.addEventListener(
      'click',
      (event) => {
        // The frame's elements belong to its own window, so instanceof against ours would fail.
        const origin = event.target as Partial<Element> | null;
        const target = origin?.closest?.('a[href]') as HTMLAnchorElement | null | undefined;
        if (!target) return;
        let url: URL;
        try {
          url = new URL(target.href, page!.baseURI);
        } catch {
          return;
        }
        if ((url.protocol === 'http:' || url.protocol === 'https:') && url.origin !== window.location.origin) {
          event.preventDefault();
          window.location.href = `/external?url=${encodeURIComponent(url.href)}`;
        }
      },
      true,
    );
  });
}
