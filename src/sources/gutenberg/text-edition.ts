import { escapeHtml } from '../../search/snippet.js';

/** A plain-text edition cut at Project Gutenberg's START and END lines. */
export interface BookText {
  /** Project Gutenberg's header, up to and including the START line ('' when there is none). */
  header: string;
  body: string;
  /** From the END line on: the licence ('' when there is none). */
  footer: string;
}

const START = /^\s*\*{3}\s*START OF (?:THE|THIS) PROJECT GUTENBERG E-?BOOK.*$/im;
const END = /^\s*\*{3}\s*END OF (?:THE|THIS) PROJECT GUTENBERG E-?BOOK.*$/im;
/** Files of the 1990s have no START line: their header ends with the licence, "the small print". */
const OLD_HEADER_END = /^\s*\*END\*?\s*THE SMALL PRINT!.*\*END\*\s*$/im;

/**
 * Decodes a text file: UTF-8 (its byte-order mark dropped) when it is valid UTF-8, else
 * Windows-1252, the Latin-1 superset older Gutenberg files are in.
 */
export function decodeBookText(bytes: Buffer): string {
  const data = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return new TextDecoder('windows-1252').decode(data);
  }
}

export function splitBoilerplate(text: string): BookText {
  const normal = text.replace(/\r\n?/g, '\n');
  let start = START.exec(normal);
  if (!start) {
    // The same line closes the licence a newer footer repeats: only one in the first half is the header's.
    const old = OLD_HEADER_END.exec(normal);
    start = old && old.index < normal.length / 2 ? old : null;
  }
  const bodyStart = start ? start.index + start[0].length : 0;
  const end = END.exec(normal.slice(bodyStart));
  const bodyEnd = end ? bodyStart + end.index : normal.length;
  return {
    header: normal.slice(0, bodyStart).trim(),
    body: normal.slice(bodyStart, bodyEnd).trim(),
    footer: normal.slice(bodyEnd).trim(),
  };
}

/** Verse and tables of contents keep their lines; prose lines, wrapped at about 70 columns, are joined. */
const SHORT_LINE = 60;

function paragraphHtml(paragraph: string): string {
  const lines = paragraph.split('\n').map((line) => line.trim());
  const text = lines.join(' ');
  if (/^(?:chapter|book|part|volume|act|scene)\b[\s\dIVXLCDM.:]+/i.test(text) && text.length < 100) {
    return `<h2>${escapeHtml(text)}</h2>`;
  }
  if (lines.length > 1 && lines.every((line) => line.length < SHORT_LINE)) {
    return `<p class="lines">${lines.map(escapeHtml).join('<br>')}</p>`;
  }
  return `<p>${escapeHtml(text)}</p>`;
}

/**
 * A readable page made from a text edition: the book in <main> (so only it is indexed for
 * search), Project Gutenberg's header and licence kept on the page around it, in <aside>.
 */
export function textEditionHtml(book: BookText, title: string, language: string): string {
  const paragraphs = book.body
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph !== '')
    .map(paragraphHtml);
  const boilerplate = (text: string) =>
    text === '' ? '' : `<aside class="pg-boilerplate"><pre>${escapeHtml(text)}</pre></aside>`;
  return (
    `<!DOCTYPE html><html lang="${escapeHtml(language)}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>` +
    '<style>body{max-width:40em;margin:auto;padding:1em;line-height:1.5;font-family:Georgia,serif}' +
    '.pg-boilerplate pre{white-space:pre-wrap;font-size:.8em;color:#555}</style></head><body>' +
    boilerplate(book.header) +
    `<main><h1>${escapeHtml(title)}</h1>${paragraphs.join('\n')}</main>` +
    boilerplate(book.footer) +
    '</body></html>'
  );
}
