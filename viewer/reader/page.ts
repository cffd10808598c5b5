import type { BrowserBundle } from './bundle.js';
import { decodeText } from '../../src/pack/charset.js';

const BASE = 'https://bundle.invalid/';
const SCHEME = /^[a-z][a-z0-9+.-]*:|^\/\//i;

/** A link or resource of a page, resolved to a path in the bundle (with its #fragment), or undefined for the outside. */
export function bundlePath(reference: string, fromPath: string): { path: string; hash: string } | undefined {
  if (SCHEME.test(reference)) return undefined;
  const url = new URL(reference, BASE + fromPath.split('/').map(encodeURIComponent).join('/'));
  if (url.origin !== new URL(BASE).origin) return undefined;
  return { path: decodeURIComponent(url.pathname.slice(1)), hash: url.hash };
}

/**
 * Turns the bundle's files into blob: URLs, once each, so that a page shown from a picked file
 * finds its images and styles with no server. Stylesheets have their own url(…) done the same way.
 */
export class BlobUrls {
  private readonly urls = new Map<string, Promise<string | undefined>>();

  /** `onDamage` hears of an asset that failed its check: the page shows without it, as on the server. */
  constructor(
    private readonly bundle: BrowserBundle,
    private readonly onDamage: (message: string) => void = () => undefined,
  ) {}

  get(path: string): Promise<string | undefined> {
    let url = this.urls.get(path);
    if (!url) {
      url = this.make(path);
      this.urls.set(path, url);
    }
    return url;
  }

  private async make(path: string): Promise<string | undefined> {
    const record = await this.bundle.resolveContent(path);
    if (!record) return undefined;
    let data: Uint8Array<ArrayBuffer> | string;
    try {
      data = await this.bundle.bytes(record);
    } catch (error) {
      this.onDamage((error as Error).message);
      return undefined;
    }
    if (record.locator.mediaType.startsWith('text/css'))
      data = await this.rewriteCss(decodeText(data, record.locator.mediaType), path);
    return URL.createObjectURL(new Blob([data], { type: record.locator.mediaType }));
  }

  private async rewriteCss(css: string, path: string): Promise<string> {
    const references = [...css.matchAll(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g)];
    let result = css;
    for (const match of references) {
      const target = bundlePath(match[2]!, path);
      const url = target && (await this.get(target.path));
      if (url) result = result.replace(match[0], `url("${url}")`);
    }
    return result;
  }

  clear(): void {
    for (const url of this.urls.values()) void url.then((value) => value && URL.revokeObjectURL(value));
    this.urls.clear();
  }
}

const RESOURCE_ATTRIBUTES: [string, string][] = [
  ['img[src]', 'src'],
  ['link[rel~="stylesheet"][href]', 'href'],
  ['link[rel~="icon"][href]', 'href'],
  ['source[src]', 'src'],
  ['video[src]', 'src'],
  ['audio[src]', 'src'],
  ['video[poster]', 'poster'],
];

/**
 * The page as the frame shows it: resources as blob: URLs, links inside the bundle marked for the
 * reader to follow, links outside opened apart. Scripts are dropped: the frame runs none.
 */
export async function preparePage(html: string, path: string, urls: BlobUrls): Promise<string> {
  const document = new DOMParser().parseFromString(html, 'text/html');
  document.querySelectorAll('script, base, meta[http-equiv], object, embed').forEach((element) => element.remove());
  for (const [selector, attribute] of RESOURCE_ATTRIBUTES) {
    for (const element of document.querySelectorAll(selector)) {
      const target = bundlePath(element.getAttribute(attribute)!, path);
      if (!target) continue;
      const url = await urls.get(target.path);
      if (url) element.setAttribute(attribute, url);
    }
  }
  document.querySelectorAll('img[srcset], source[srcset]').forEach((element) => element.removeAttribute('srcset'));
  for (const link of document.querySelectorAll('a[href]')) {
    const href = link.getAttribute('href')!;
    if (href.startsWith('#')) continue;
    const target = bundlePath(href, path);
    if (target) {
      link.setAttribute('data-ferry-path', target.path + target.hash);
      link.setAttribute('href', '#');
    } else if (/^(https?:|mailto:|\/\/)/i.test(href.trim())) {
      link.setAttribute('target', '_blank');
      link.setAttribute('rel', 'noopener noreferrer');
    } else {
      // javascript:, data: and the like would run outside the frame's sandbox in a new window.
      link.removeAttribute('href');
    }
  }
  return '<!DOCTYPE html>' + document.documentElement.outerHTML;
}
