/**
 * The first position from `from` where `matches` holds outside [[links]], or -1: the `|` of a
 * template argument, a table cell's attribute bar, a definition's `:` are never the ones in a
 * link's label. An unmatched `]]` does not count.
 */
export function indexOutsideLinks(text: string, matches: (index: number) => boolean, from = 0): number {
  let depth = 0;
  for (let index = from; index < text.length; index++) {
    if (text.startsWith('[[', index)) {
      depth++;
      index++;
    } else if (depth > 0 && text.startsWith(']]', index)) {
      depth--;
      index++;
    } else if (depth === 0 && matches(index)) {
      return index;
    }
  }
  return -1;
}
