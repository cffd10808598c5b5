import { CATEGORY, cleanTitle, type Namespaces, parseTitle } from './titles.js';

const patterns = new WeakMap<Namespaces, RegExp>();

function categoryPattern(namespaces: Namespaces): RegExp {
  let pattern = patterns.get(namespaces);
  if (!pattern) {
    const names = Object.entries(namespaces.numbers)
      .filter(([, number]) => number === CATEGORY)
      .map(([name]) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '[ _]+'));
    pattern = new RegExp(`\\[\\[[ _]*(?:${names.join('|')})[ _]*:([^\\]|#\\n]+)`, 'giu');
    patterns.set(namespaces, pattern);
  }
  pattern.lastIndex = 0;
  return pattern;
}

/**
 * The categories a page's wikitext puts it in (`[[Category:Name|sort key]]`, not `[[:Category:…]]`
 * links), in the wiki's own spelling. Both passes over a dump use this, so a category page exists
 * exactly when some page names it.
 */
export function categoriesOf(text: string, namespaces: Namespaces): string[] {
  const found = new Set<string>();
  const visible = text.replace(/<!--[\s\S]*?(?:-->|$)/g, '').replace(/<nowiki>[\s\S]*?<\/nowiki>/gi, '');
  for (const match of visible.matchAll(categoryPattern(namespaces))) {
    const name = parseTitle(cleanTitle(match[1]!), { ...namespaces, numbers: {} }).name;
    if (name !== '') found.add(name);
  }
  return [...found];
}
