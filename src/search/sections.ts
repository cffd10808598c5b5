import type { PageSection } from '../pack/html-text.js';
import { foldTitle } from './titles.js';

const WORD = /[\p{L}\p{N}_.]+/gu;

/** How many of the terms the text's words come to, through the same pipeline as the query. */
function termsIn(text: string, terms: Set<string>, normalise: (word: string) => string | undefined): number {
  const found = new Set<string>();
  for (const match of text.matchAll(WORD)) {
    for (const word of [match[0], ...match[0].split(/[._]+/)]) {
      const term = word ? normalise(word.toLowerCase()) : undefined;
      if (term !== undefined && terms.has(term)) found.add(term);
    }
  }
  return found.size;
}

/**
 * A heading as a query would say it: folded, without the marks generators put around it (a
 * leading symbol or section number, Doxygen's `◆` and its overload count `[2/5]`).
 */
function headingKey(text: string): string {
  return foldTitle(text)
    .replace(/^(?:\p{So}|\d+(?:\.\d+)*\.?)\s+/u, '')
    .replace(/\s*\[\d+\/\d+\]$/, '');
}

/**
 * The section a result should open at: the one whose heading is the query, else the one whose
 * heading (or definition term, or its id) has the most of the query's terms, then the most in
 * its text; none when no heading has more of them than the page's title, so a page that is
 * about the query as a whole opens at its top.
 */
export function bestSection(
  title: string,
  sections: PageSection[],
  query: string,
  terms: Set<string>,
  normalise: (word: string) => string | undefined,
): PageSection | undefined {
  const asked = foldTitle(query);
  if (asked !== '' && headingKey(title) !== asked) {
    const named = sections.find((section) => headingKey(section.heading) === asked);
    if (named) return named;
  }
  const inTitle = termsIn(title, terms, normalise);
  let best: { section: PageSection; heading: number; text: number } | undefined;
  for (const section of sections) {
    // The anchor too: a definition's id is the name it defines in full (`flask.Flask.run`).
    const heading = termsIn(`${section.heading} ${section.anchor}`, terms, normalise);
    if (heading === 0 || heading <= inTitle) continue;
    const text = termsIn(section.text, terms, normalise);
    if (!best || heading > best.heading || (heading === best.heading && text > best.text)) {
      best = { section, heading, text };
    }
  }
  return best?.section;
}
