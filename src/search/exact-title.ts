import { hash32 } from './term-hash.js';

/** Exact titles are keyed in the term dictionary apart from terms, which never hold a NUL. */
const EXACT_TITLE_MARK = '\u0000';

/**
 * A title before the name of its site, which generators add after a dash or a bar: "Why Click?"
 * of "Why Click? — Click Documentation (8.1.x)". The title itself when it has none.
 */
function titleLead(title: string): string {
  return title.split(/\s+[—–|-]\s+/)[0]!;
}

/** The forms of a title a query must equal, case ignored, for the page to come first (FORMAT.md §5.5). */
function exactForms(title: string): string[] {
  const whole = title.trim().toLowerCase();
  const lead = titleLead(whole);
  return lead === whole ? [whole] : [whole, lead];
}

/** Whether the page's title is the query: its title whole, or before the site's name, case ignored. */
export function isExactTitle(title: string, query: string): boolean {
  return exactForms(title).includes(query.trim().toLowerCase());
}

/** The keys the term dictionary lists a page's shard under, so a query equal to its title reads it (§5.9). */
export function exactTitleKeys(title: string): number[] {
  return exactForms(title).map((form) => hash32(EXACT_TITLE_MARK + form));
}

/** The key a query looks up the shards of the pages it is the title of by. */
export function exactTitleKey(query: string): number {
  return hash32(EXACT_TITLE_MARK + query.trim().toLowerCase());
}
