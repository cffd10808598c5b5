/**
 * Runs `handle` on every page the frame loads, including one it finished loading before this
 * (deferred) script ran, which a plain load listener would miss.
 */
export function onFramePage(frame: HTMLIFrameElement, handle: () => void): void {
  frame.addEventListener('load', handle);
  try {
    const page = frame.contentDocument;
    if (page && page.readyState === 'complete' && page.URL !== 'about:blank') handle();
  } catch {
    // A page of another origin: only later loads can be seen.
  }
}
