/** A short extract of a page with the matched words located, so any front end can mark them. */
export interface Snippet {
  text: string;
  /** [start, end) character ranges of matched words within `text`. */
  marks: [number, number][];
}

const WORD = /[\p{L}\p{N}_]+/gu;
const CONTEXT_BEFORE = 60;
const SNIPPET_LENGTH = 220;

/**
 * Finds the first word whose normalised form is a matched term and cuts a window around it.
 * `normalise` is the index's own search pipeline, so "running" finds the term "run".
 */
export function makeSnippet(
  text: string,
  terms: Set<string>,
  normalise: (word: string) => string | undefined,
): Snippet {
  const isMatch = (word: string) => {
    const term = normalise(word.toLowerCase());
    return term !== undefined && terms.has(term);
  };
  let first = -1;
  for (const match of text.matchAll(WORD)) {
    if (isMatch(match[0])) {
      first = match.index;
      break;
    }
  }
  let start = first < 0 ? 0 : Math.max(0, first - CONTEXT_BEFORE);
  if (start > 0) {
    const space = text.indexOf(' ', start);
    if (space >= 0 && space < first) start = space + 1;
  }
  let end = Math.min(text.length, start + SNIPPET_LENGTH);
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end);
    if (space > start + SNIPPET_LENGTH / 2) end = space;
  }
  const prefix = start > 0 ? '… ' : '';
  const suffix = end < text.length ? ' …' : '';
  const body = text.slice(start, end);
  const marks: [number, number][] = [];
  for (const match of body.matchAll(WORD)) {
    if (isMatch(match[0])) marks.push([prefix.length + match.index, prefix.length + match.index + match[0].length]);
  }
  return { text: prefix + body + suffix, marks };
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character]!);
}

/** The snippet as HTML with each matched word in <mark>. */
export function snippetHtml(snippet: Snippet): string {
  let html = '';
  let position = 0;
  for (const [start, end] of snippet.marks) {
    html +=
      escapeHtml(snippet.text.slice(position, start)) +
      '<mark>' +
      escapeHtml(snippet.text.slice(start, end)) +
      '</mark>';
    position = end;
  }
  return html + escapeHtml(snippet.text.slice(position));
}
