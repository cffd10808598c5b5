import { Parser } from 'htmlparser2';
import { pageHref } from '../../../pack/page-links.js';
import { escapeHtml } from '../../../search/snippet.js';
import { anchorOf, cleanTitle, titlePath } from '../titles.js';

/** What cleaning a page's Parsoid HTML needs to know about the bundle. */
export interface PageLinks {
  pagePath: string;
  title: string;
  /** Whether the bundle has a page (or redirect) with this full title. */
  exists(fullTitle: string): boolean;
}

/** Elements dropped with all they hold: not content, or not there offline. */
const DROPPED = new Set(
  'head script style link meta noscript img audio video source track picture map object iframe input button'.split(' '),
);
const VOID = new Set('br hr img link meta wbr input col area base source track'.split(' '));
const KEPT = new Set(
  (
    'p br hr h1 h2 h3 h4 h5 h6 ul ol li dl dt dd table caption thead tbody tfoot tr th td colgroup col ' +
    'b i u s sub sup small big em strong code pre blockquote q cite abbr kbd var samp mark dfn bdi bdo ruby rb rp rt ' +
    'span div section figure figcaption a ' +
    'math semantics mrow mi mo mn ms mtext mspace msup msub msubsup mfrac msqrt mroot mstyle mtable mtr mtd mover munder munderover mpadded mphantom menclose'
  ).split(' '),
);
/** Classes the page's stylesheet knows; every other class goes. */
const KEPT_CLASSES = new Set(['infobox', 'wikitable', 'navbox', 'hatnote', 'reference', 'references', 'mw-references']);
/** Marks of what a reader offline does not need: edit links, navigation bars, hidden parts. */
const HIDDEN_CLASS = /(^|\s)(noprint|mw-editsection|navbar|mw-empty-elt|metadata|shortdescription)(\s|$)/;

interface Open {
  name: string;
  /** What closes it in the output ('' when the element is unwrapped). */
  close: string;
  /** Set for an element dropped with its content. */
  dropped: boolean;
}

/** An internal link's target from Parsoid's `./Title#fragment` href, or undefined. */
function wikiTarget(href: string): { title: string; fragment: string } | undefined {
  if (!href.startsWith('./')) return undefined;
  const hash = href.indexOf('#');
  const path = hash >= 0 ? href.slice(2, hash) : href.slice(2);
  try {
    return {
      title: cleanTitle(decodeURIComponent(path)),
      fragment: hash >= 0 ? decodeURIComponent(href.slice(hash + 1)) : '',
    };
  } catch {
    return undefined;
  }
}

function attributes(name: string, attribs: Record<string, string>): string {
  let out = '';
  // Headings' and footnotes' ids are link targets; Parsoid's own (mwAQ, mwBw) are not.
  if (attribs.id && !/^mw[\w-]{1,6}$/.test(attribs.id)) out += ` id="${escapeHtml(attribs.id)}"`;
  if ((name === 'td' || name === 'th') && /^\d+$/.test(attribs.colspan ?? '')) out += ` colspan="${attribs.colspan}"`;
  if ((name === 'td' || name === 'th') && /^\d+$/.test(attribs.rowspan ?? '')) out += ` rowspan="${attribs.rowspan}"`;
  if (name === 'ol' && /^\d+$/.test(attribs.start ?? '')) out += ` start="${attribs.start}"`;
  if (name === 'math' && attribs.display === 'block') out += ' display="block"';
  const classes = (attribs.class ?? '').split(/\s+/).filter((value) => KEPT_CLASSES.has(value));
  if (classes.length > 0) out += ` class="${classes.join(' ')}"`;
  return out;
}

/**
 * The content of an article as Wikimedia renders it (Parsoid HTML), made a page of the bundle:
 * only structure and text stay (no styles, scripts, images from the wiki's servers, or Parsoid's
 * data attributes), links to pages the bundle has become relative links, the others plain text.
 */
export function cleanParsoidHtml(html: string, links: PageLinks): string {
  const stack: Open[] = [];
  let out = '';
  let dropping = 0;
  let preDepth = 0;
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (
          dropping > 0 ||
          DROPPED.has(name) ||
          HIDDEN_CLASS.test(attribs.class ?? '') ||
          /display:\s*none/.test(attribs.style ?? '')
        ) {
          if (!VOID.has(name)) {
            dropping++;
            stack.push({ name, close: '', dropped: true });
          }
          return;
        }
        if (VOID.has(name)) {
          if (name === 'br' || name === 'hr') out += `<${name}>`;
          return;
        }
        if (name === 'a') {
          const open = linkStart(attribs, links);
          out += open.start;
          stack.push({ name, close: open.close, dropped: false });
          return;
        }
        if (!KEPT.has(name)) {
          stack.push({ name, close: '', dropped: false });
          return;
        }
        out += `<${name}${attributes(name, attribs)}>`;
        if (name === 'pre') preDepth++;
        stack.push({ name, close: `</${name}>`, dropped: false });
      },
      ontext(text) {
        if (dropping > 0) return;
        // Templates leave runs of blank lines between the parts they hid: one newline does.
        const blank = preDepth === 0 && text.trim() === '' && text.indexOf('\n') !== text.lastIndexOf('\n');
        out += blank ? '\n' : escapeHtml(text);
      },
      onclosetag(name) {
        if (VOID.has(name)) return;
        const open = stack.pop();
        if (!open) return;
        if (open.dropped) dropping--;
        else out += open.close;
        if (open.name === 'pre' && open.close !== '') preDepth--;
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(bodyOf(html));
  parser.end();
  return out;
}

/** What is between <body …> and </body>, found without a regular expression that backtracks. */
function bodyOf(html: string): string {
  const lower = html.slice(0, 65536).toLowerCase();
  const open = lower.indexOf('<body');
  const start = open < 0 ? -1 : html.indexOf('>', open);
  const end = html.toLowerCase().lastIndexOf('</body>');
  return start >= 0 && end > start ? html.slice(start + 1, end) : html;
}

function linkStart(attribs: Record<string, string>, links: PageLinks): { start: string; close: string } {
  const href = attribs.href ?? '';
  const rel = attribs.rel ?? '';
  // Parsoid writes links to pages of the wiki, and footnote marks, as `./Title#fragment`.
  const target = !rel.includes('Interwiki') && !rel.includes('mw:ExtLink') ? wikiTarget(href) : undefined;
  if (target) {
    const fragment = target.fragment ? `#${escapeHtml(encodeURIComponent(anchorOf(target.fragment)))}` : '';
    if (target.title === links.title || target.title === '')
      return { start: `<a href="${fragment || '#'}">`, close: '</a>' };
    if (!links.exists(target.title))
      return { start: '<span class="missing" title="not in this collection">', close: '</span>' };
    return { start: `<a href="${pageHref(links.pagePath, titlePath(target.title))}${fragment}">`, close: '</a>' };
  }
  if (href.startsWith('#')) return { start: `<a href="${escapeHtml(href)}">`, close: '</a>' };
  const absolute = href.startsWith('//') ? `https:${href}` : href;
  if (/^https?:\/\//i.test(absolute))
    return { start: `<a class="external" href="${escapeHtml(absolute)}">`, close: '</a>' };
  return { start: '', close: '' };
}
