import { decodeReferences } from '../char-references.js';
/**
 * Makes links that are absolute to the mirrored site's own address relative, so pages work offline.
 * Only attribute values that start with the base URL change; everything else stays byte for byte.
 */
const LINK_ATTRIBUTE = /(\s(?:href|src|action|poster)\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi;

/** Every link target in a page's href, src, action and poster attributes, as written. */
/** Comments, and the text of scripts and styles: no link a reader follows is there. */
const NOT_MARKUP = /<!--[\s\S]*?(?:-->|$)|(<(script|style)\b[^>]*>)[\s\S]*?(?:<\/\2\s*>|$)/gi;

export function linksOf(html: string): string[] {
  const markup = html.replace(NOT_MARKUP, (whole, startTag?: string) => startTag ?? '');
  return [...markup.matchAll(LINK_ATTRIBUTE)].map((match) => match[2] ?? match[3] ?? match[4] ?? '');
}

/**
 * The collection path a relative link points at from `pagePath`, or undefined for links that
 * leave the collection (with a scheme, protocol-relative, or fragment-only).
 */
export function resolveLink(pagePath: string, link: string): string | undefined {
  const value = decodeReferences(link.trim());
  if (value === '' || value.startsWith('#') || value.startsWith('//') || /^[a-z][a-z0-9+.-]*:/i.test(value))
    return undefined;
  let url: URL;
  try {
    url = new URL(value, `http://bundle.invalid/${pagePath.split('/').map(encodeURIComponent).join('/')}`);
  } catch {
    return undefined;
  }
  try {
    return decodeURIComponent(url.pathname.slice(1));
  } catch {
    return url.pathname.slice(1);
  }
}

export interface LinkRewriter {
  rewrite(html: string, pagePath: string): string;
}

function withoutScheme(url: string): string {
  return url.replace(/^[a-z][a-z0-9+.-]*:/i, '');
}

export function createLinkRewriter(baseUrl: string, hasPath: (path: string) => boolean): LinkRewriter {
  const base = new URL(baseUrl);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  // http and https, and protocol-relative links, all name the same site.
  const basePrefix = withoutScheme(base.href);

  const toRelative = (value: string, pagePath: string): string | undefined => {
    const candidate = value.trim();
    if (!/^([a-z][a-z0-9+.-]*:)?\/\//i.test(candidate)) return undefined;
    const rest = withoutScheme(candidate);
    if (!rest.startsWith(basePrefix) && rest + '/' !== basePrefix) return undefined;
    const remainder = rest.startsWith(basePrefix) ? rest.slice(basePrefix.length) : '';
    const split = remainder.search(/[?#]/);
    let targetPath = split < 0 ? remainder : remainder.slice(0, split);
    const suffix = split < 0 ? '' : remainder.slice(split);
    if (targetPath === '' || targetPath.endsWith('/')) {
      let decoded = targetPath;
      try {
        decoded = decodeURI(targetPath);
      } catch {
        // Keep the raw form for a malformed escape.
      }
      if (hasPath(decoded + 'index.html')) targetPath += 'index.html';
    }
    return relativeUrl(pagePath, targetPath) + suffix;
  };

  return {
    rewrite(html, pagePath) {
      return html.replace(LINK_ATTRIBUTE, (whole, prefix: string, double?: string, single?: string, bare?: string) => {
        const value = double ?? single ?? bare ?? '';
        const relative = toRelative(value, pagePath);
        if (relative === undefined) return whole;
        const quote = double !== undefined ? '"' : single !== undefined ? "'" : '"';
        return `${prefix}${quote}${relative}${quote}`;
      });
    },
  };
}

/** The relative URL from the page at `fromPath` to `toPath`, both collection paths. */
export function relativeUrl(fromPath: string, toPath: string): string {
  const from = fromPath
    .split('/')
    .slice(0, -1)
    .map((segment) => encodeURIComponent(segment));
  const to = toPath.split('/');
  let common = 0;
  while (common < from.length && common < to.length - 1 && from[common] === to[common]) common++;
  const up = '../'.repeat(from.length - common);
  const down = to.slice(common).join('/');
  const result = up + down;
  return result === '' ? './' : result;
}
