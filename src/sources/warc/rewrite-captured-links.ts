import { decodeReferences } from '../../char-references.js';
import { relativeUrl } from '../../pack/rewrite-links.js';
import { escapeHtml } from '../../search/snippet.js';
import { capturePath, percentEncoded } from './capture-paths.js';

/**
 * The bundle path that serves a link's capture path (capturePath of its URL): itself when
 * captured, else a capture that differs only in cache-busting parameters; undefined for none.
 */
export type FindCapture = (path: string) => string | undefined;

/** Where links of a page are resolved from, and what the bundle holds. */
interface LinkContext {
  /** The URL relative links resolve against: the page's, or its <base href>. */
  base: string;
  pagePath: string;
  findCapture: FindCapture;
}

/**
 * The parts of HTML whose text is not markup (comments; scripts, style elements and other raw
 * text elements, with their start tag's attributes apart), and start tags with their attributes (quoted values may hold `>`; each character has
 * one way to match, so a tag left open costs linear time). Only start tags and style elements
 * are rewritten; the rest passes as written.
 */
const HTML_PART =
  /<!--[\s\S]*?(?:-->|$)|<(script|style|textarea|title|xmp)\b((?:[^"'>]|"[^"]*"|'[^']*')*)>([\s\S]*?)(<\/\1\s*>|$)|<[a-zA-Z](?:[^"'>]|"[^"]*"|'[^']*')*>/gi;
const ATTRIBUTE = /(\s(?:href|src|action|poster|data|background)\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi;
const SRCSET = /(\s(?:srcset|imagesrcset)\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi;
const STYLE = /(\sstyle\s*=\s*)(?:"([^"]*)"|'([^']*)')/gi;
const CSS_URL = /url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]+))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')/gi;
const BASE = /^<base\b/i;
const BASE_HREF = /\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i;

/**
 * One link of a captured page, made to work offline: to a captured URL, the relative path of
 * its capture in the bundle (with its fragment); to anything else on the web, the absolute URL
 * (the viewer's page for leaving the bundle takes it from there). Other schemes stay as written.
 */
function rewriteLink(value: string, context: LinkContext): string {
  const written = value.trim();
  if (written === '' || written.startsWith('#') || /^(data|javascript|mailto|tel|about|blob):/i.test(written))
    return value;
  let target: URL;
  try {
    target = new URL(written, context.base);
  } catch {
    return value;
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return value;
  const fragment = target.hash;
  target.hash = '';
  // By path, not URL: the query's order, the scheme and a default port do not make another page.
  const wanted = capturePath(target.href);
  const path = wanted === undefined ? undefined : context.findCapture(wanted);
  if (path === undefined) return target.href + fragment;
  const encoded = path
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/'/g, '%27'))
    .join('/');
  return relativeUrl(context.pagePath, encoded) + fragment;
}

/**
 * The links of CSS (`url()`, `@import`), alone or inside HTML. Written back unquoted, with the
 * characters that would end them escaped, so that they fit a style attribute as well.
 */
function rewriteCss(css: string, context: LinkContext): string {
  return css.replace(CSS_URL, (whole, ...groups: (string | undefined)[]) => {
    const index = groups.slice(0, 5).findIndex((group) => group !== undefined);
    if (index < 0) return whole;
    const link = rewriteLink(groups[index]!, context).replace(/["'()\s\\]/g, percentEncoded);
    return index >= 3 ? `@import url(${link})` : `url(${link})`;
  });
}

/** A srcset's candidates as the HTML standard reads them: a URL is a run without spaces (commas allowed inside). */
function rewriteSrcset(srcset: string, context: LinkContext): string {
  const candidates: string[] = [];
  let at = 0;
  while (at < srcset.length) {
    while (at < srcset.length && /[\s,]/.test(srcset[at]!)) at++;
    if (at >= srcset.length) break;
    let end = at;
    while (end < srcset.length && !/\s/.test(srcset[end]!)) end++;
    let url = srcset.slice(at, end);
    let descriptor = '';
    if (url.endsWith(',')) {
      url = url.replace(/,+$/, '');
    } else {
      const comma = srcset.indexOf(',', end);
      descriptor = srcset.slice(end, comma < 0 ? srcset.length : comma).trim();
      end = comma < 0 ? srcset.length : comma;
    }
    at = end;
    candidates.push([rewriteLink(url, context), descriptor].filter(Boolean).join(' '));
  }
  return candidates.join(', ');
}

function quoted(prefix: string, value: string): string {
  return `${prefix}"${escapeHtml(value)}"`;
}

const REFRESH = /^<meta\b[^>]*http-equiv\s*=\s*["']?refresh/i;
const REFRESH_CONTENT = /(\scontent\s*=\s*)(?:"([^"]*)"|'([^']*)')/i;

/** `<meta http-equiv="refresh" content="0; url=…">`: where a page sends the browser, as a link. */
function rewriteRefresh(tag: string, context: LinkContext): string {
  return tag.replace(REFRESH_CONTENT, (whole, prefix: string, double?: string, single?: string) => {
    const content = decodeReferences(double ?? single ?? '');
    const url = /^(\s*\d*(?:\.\d*)?\s*[;,]\s*(?:url\s*=\s*)?)(['"]?)(.*?)\2\s*$/i.exec(content);
    if (!url || url[3] === '') return whole;
    return quoted(prefix, `${url[1]}${rewriteLink(url[3]!, context)}`);
  });
}

/** A start tag with its links rewritten: URL attributes, srcset, the CSS of a style attribute, a refresh's URL. */
function rewriteTag(tag: string, context: LinkContext): string {
  if (REFRESH.test(tag)) return rewriteRefresh(tag, context);
  return tag
    .replace(ATTRIBUTE, (whole, prefix: string, double?: string, single?: string, bare?: string) =>
      quoted(prefix, rewriteLink(decodeReferences(double ?? single ?? bare ?? ''), context)),
    )
    .replace(SRCSET, (whole, prefix: string, double?: string, single?: string, bare?: string) =>
      quoted(prefix, rewriteSrcset(decodeReferences(double ?? single ?? bare ?? ''), context)),
    )
    .replace(STYLE, (whole, prefix: string, double?: string, single?: string) =>
      quoted(prefix, rewriteCss(decodeReferences(double ?? single ?? ''), context)),
    );
}

/**
 * The links of a captured page or style sheet, made to work offline (see rewriteLink). In HTML,
 * only markup is touched: the href, src, action, poster, data, background and srcset attributes
 * of start tags, style attributes and style elements; scripts, comments and text stay as they
 * were. A <base href> is followed, then dropped: every link now leads to a path in the bundle.
 */
export function rewriteCapturedLinks(
  text: string,
  kind: 'html' | 'css',
  pageUrl: string,
  pagePath: string,
  findCapture: FindCapture,
): string {
  const context: LinkContext = { base: pageUrl, pagePath, findCapture };
  if (kind === 'css') return rewriteCss(text, context);
  return text.replace(
    HTML_PART,
    (part: string, element?: string, attributes?: string, content?: string, end?: string) => {
      if (part.startsWith('<!--')) return part;
      if (element !== undefined) {
        // The element's own attributes are links like any (a script's src); its text is CSS for
        // a style element and stays as written for the others.
        const inner = element.toLowerCase() === 'style' ? rewriteCss(content ?? '', context) : content;
        return `<${element}${rewriteTag(attributes ?? '', context)}>${inner}${end ?? ''}`;
      }
      if (BASE.test(part)) {
        const href = BASE_HREF.exec(part);
        if (!href) return part;
        try {
          context.base = new URL(decodeReferences(href[1] ?? href[2] ?? href[3] ?? ''), pageUrl).href;
        } catch {
          return part;
        }
        return part.replace(BASE_HREF, '');
      }
      return rewriteTag(part, context);
    },
  );
}
