import { decodeReferences } from '../../char-references.js';
import { relativeUrl } from '../../pack/rewrite-links.js';
import { escapeHtml } from '../../search/snippet.js';
import { capturePath } from './capture-paths.js';

/**
 * The bundle path that serves a link's capture path (capturePath of its URL): itself when
 * captured, else a capture that differs only in cache-busting parameters; undefined for none.
 */
export type FindCapture = (path: string) => string | undefined;

const ATTRIBUTE = /(\s(?:href|src|action|poster|data)\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi;
const SRCSET = /(\ssrcset\s*=\s*)(?:"([^"]*)"|'([^']*)')/gi;
const CSS_URL = /url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]+))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')/gi;

/**
 * One link of a captured page, made to work offline: to a captured URL, the relative path of
 * its capture in the bundle (with its fragment); to anything else on the web, the absolute URL
 * (the viewer's page for leaving the bundle takes it from there). Other schemes stay as written.
 */
function rewriteLink(value: string, pageUrl: string, pagePath: string, findCapture: FindCapture): string {
  const written = value.trim();
  if (written === '' || written.startsWith('#') || /^(data|javascript|mailto|tel|about|blob):/i.test(written))
    return value;
  let target: URL;
  try {
    target = new URL(written, pageUrl);
  } catch {
    return value;
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return value;
  const fragment = target.hash;
  target.hash = '';
  // By path, not URL: the query's order, the scheme and a default port do not make another page.
  const wanted = capturePath(target.href);
  const path = wanted === undefined ? undefined : findCapture(wanted);
  if (path === undefined) return target.href + fragment;
  const encoded = path
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/'/g, '%27'))
    .join('/');
  return relativeUrl(pagePath, encoded) + fragment;
}

/**
 * The links of CSS (`url()`, `@import`), alone or inside HTML. Written back unquoted, with the
 * characters that would end them escaped, so that they fit a style attribute as well.
 */
function rewriteCss(css: string, pageUrl: string, pagePath: string, findCapture: FindCapture): string {
  return css.replace(CSS_URL, (whole, ...groups: (string | undefined)[]) => {
    const index = groups.slice(0, 5).findIndex((group) => group !== undefined);
    if (index < 0) return whole;
    const link = rewriteLink(groups[index]!, pageUrl, pagePath, findCapture).replace(
      /["'()\s\\]/g,
      (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
    );
    return index >= 3 ? `@import url(${link})` : `url(${link})`;
  });
}

/**
 * The links of a captured page or style sheet, made to work offline (see rewriteLink): in HTML,
 * href, src, action, poster, data and srcset attributes and the CSS of style attributes and
 * elements; in CSS, url() and @import.
 */
export function rewriteCapturedLinks(
  text: string,
  kind: 'html' | 'css',
  pageUrl: string,
  pagePath: string,
  findCapture: FindCapture,
): string {
  if (kind === 'css') return rewriteCss(text, pageUrl, pagePath, findCapture);
  let html = text.replace(ATTRIBUTE, (whole, prefix: string, double?: string, single?: string, bare?: string) => {
    const value = decodeReferences(double ?? single ?? bare ?? '');
    return `${prefix}"${escapeHtml(rewriteLink(value, pageUrl, pagePath, findCapture))}"`;
  });
  html = html.replace(SRCSET, (whole, prefix: string, double?: string, single?: string) => {
    const candidates = decodeReferences(double ?? single ?? '').split(',');
    const rewritten = candidates.map((candidate) => {
      const [url = '', ...descriptor] = candidate.trim().split(/\s+/);
      return [rewriteLink(url, pageUrl, pagePath, findCapture), ...descriptor].join(' ');
    });
    return `${prefix}"${escapeHtml(rewritten.join(', '))}"`;
  });
  return rewriteCss(html, pageUrl, pagePath, findCapture);
}
