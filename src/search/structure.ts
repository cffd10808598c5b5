/**
 * How likely a page is an answer, by what it is made of, whatever made it: a page that is mostly
 * links (a general index, a list of modules, a navigation page) or mostly a code listing (Sphinx's
 * `_modules/`, a Doxygen source file) mentions every name and defines none, so it ranks lower.
 * Below these shares a page is left alone: wiki articles are often a third links.
 */
const LINKS_FROM = 0.5;
const CODE_FROM = 0.6;
/** From this share on, a page has the lowest prior. */
const ALL = 0.9;
/** The lowest prior: such a page still comes first when nothing else has the words. */
const LOWEST = 0.35;

export function structurePrior(page: { linkShare: number; codeShare: number }): number {
  const excess = (share: number, from: number) => Math.max(0, (share - from) / (ALL - from));
  const worst = Math.max(excess(page.linkShare, LINKS_FROM), excess(page.codeShare, CODE_FROM));
  return 1 - (1 - LOWEST) * Math.min(1, worst);
}
