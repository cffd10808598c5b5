/**
 * Wikitext to a tree of text, {{templates}} and {{{arguments}}}, the way MediaWiki's preprocessor
 * matches braces: a run of braces opens one piece, closing runs match three (an argument) or two
 * (a template) at a time, leftovers stay text; `[[…]]` is tracked only so that its `|` and `=` do
 * not split a template's arguments. Comments go; extension tags whose content is not wikitext
 * (<nowiki>, <pre>, <math> …) stay as written; <noinclude>, <includeonly> and <onlyinclude>
 * apply as on a page or in a transclusion.
 */

export type WikiNode = string | BraceNode;

/** One `|`-separated part of a piece. `equals` is the index of its first top-level `=` node, or -1. */
export interface Part {
  nodes: WikiNode[];
  equals: number;
}

/** `{{…}}` (template) or `{{{…}}}` (argument): parts[0] is the title or the argument's name. */
export interface BraceNode {
  kind: 'template' | 'argument';
  parts: Part[];
  /** The source text, for a template: the key of the expansion cache. */
  source: string;
  /** Whether it stands alone on its line(s), as infoboxes and navigation boxes do. */
  block: boolean;
}

/** Tags whose content is passed through as written, never expanded. */
const OPAQUE_TAGS = new Set(
  'nowiki pre math chem ce dmath syntaxhighlight source score timeline graph templatedata mapframe maplink imagemap inputbox categorytree gallery templatestyles hiero charinsert'.split(
    ' ',
  ),
);
const INCLUSION_TAGS = new Set(['noinclude', 'includeonly', 'onlyinclude']);

interface Piece {
  open: '{' | '[';
  count: number;
  parts: Part[];
  start: number;
}

function addText(part: Part, text: string): void {
  if (text === '') return;
  const last = part.nodes.length - 1;
  if (last >= 0 && typeof part.nodes[last] === 'string' && last !== part.equals) {
    part.nodes[last] += text;
  } else {
    part.nodes.push(text);
  }
}

function addNodes(part: Part, nodes: WikiNode[]): void {
  for (const node of nodes) {
    if (typeof node === 'string') addText(part, node);
    else part.nodes.push(node);
  }
}

/** A piece that never closed, as text: its braces and its parts joined with `|`. */
function brokenPiece(piece: Piece): WikiNode[] {
  const nodes: WikiNode[] = [piece.open.repeat(piece.count)];
  piece.parts.forEach((part, index) => {
    if (index > 0) nodes.push('|');
    for (const node of part.nodes) nodes.push(node); // not push(...): a part may hold 100,000 nodes
  });
  return nodes;
}

/** In a transclusion, only what <onlyinclude> encloses counts, when the text has any. */
function onlyIncluded(text: string): string {
  const parts = [...text.matchAll(/<onlyinclude\s*>([\s\S]*?)(?:<\/onlyinclude\s*>|$)/gi)];
  return parts.length === 0 ? text : parts.map((match) => match[1]).join('');
}

/** The end of a comment that starts at `at`, taking its line with it when it stands alone there. */
function commentSpan(text: string, at: number): { from: number; to: number } {
  const close = text.indexOf('-->', at + 4);
  const end = close < 0 ? text.length : close + 3;
  let from = at;
  while (from > 0 && (text[from - 1] === ' ' || text[from - 1] === '\t')) from--;
  let to = end;
  while (to < text.length && (text[to] === ' ' || text[to] === '\t')) to++;
  if ((from === 0 || text[from - 1] === '\n') && text[to] === '\n') return { from, to: to + 1 };
  return { from: at, to: end };
}

/** Where a tag starting at `at` ends, with its name; undefined when `<` does not open a tag. */
function tagAt(
  text: string,
  at: number,
): { name: string; end: number; closing: boolean; selfClosing: boolean } | undefined {
  const match = /^<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*?(\/?)>/.exec(text.slice(at, at + 512));
  if (!match) return undefined;
  return {
    name: match[2]!.toLowerCase(),
    end: at + match[0].length,
    closing: match[1] === '/',
    selfClosing: match[3] === '/',
  };
}

/** Where the closing tag of `name` is after `from`; `unclosed` remembers names that have none left. */
function closingTag(
  text: string,
  name: string,
  from: number,
  unclosed: Map<string, number>,
): { at: number; end: number } | undefined {
  if ((unclosed.get(name) ?? Infinity) <= from) return undefined;
  const pattern = new RegExp(`</${name}\\s*>`, 'gi');
  pattern.lastIndex = from;
  const match = pattern.exec(text);
  if (!match) unclosed.set(name, Math.min(from, unclosed.get(name) ?? Infinity));
  return match ? { at: match.index, end: match.index + match[0].length } : undefined;
}

const SPECIAL = /[{}[\]|=<]/g;

/** Whether only spaces or tabs stand between the line's start and `at`. */
function startsLine(text: string, at: number): boolean {
  let index = at - 1;
  while (index >= 0 && (text[index] === ' ' || text[index] === '\t')) index--;
  return index < 0 || text[index] === '\n';
}

/** Whether only spaces or tabs stand between `at` and the line's end. */
function endsLine(text: string, at: number): boolean {
  let index = at;
  while (index < text.length && (text[index] === ' ' || text[index] === '\t')) index++;
  return index === text.length || text[index] === '\n';
}

/**
 * Parses wikitext; `inclusion` when it is a template's text being transcluded, else a page's
 * own text. Never throws: whatever does not close stays text.
 */
export function parseWikitext(input: string, inclusion: boolean): WikiNode[] {
  const text = inclusion ? onlyIncluded(input) : input;
  const root: Part = { nodes: [], equals: -1 };
  const stack: Piece[] = [];
  const unclosed = new Map<string, number>();
  const current = (): Part => {
    const top = stack[stack.length - 1];
    return top ? top.parts[top.parts.length - 1]! : root;
  };
  let index = 0;
  while (index < text.length) {
    SPECIAL.lastIndex = index;
    const found = SPECIAL.exec(text);
    if (!found) break;
    const at = found.index;
    const char = text[at]!;
    const top = stack[stack.length - 1];

    if (char === '<') {
      if (text.startsWith('<!--', at)) {
        const span = commentSpan(text, at);
        addText(current(), text.slice(index, span.from));
        index = span.to;
        continue;
      }
      const tag = tagAt(text, at);
      if (tag && INCLUSION_TAGS.has(tag.name)) {
        addText(current(), text.slice(index, at));
        index = tag.end;
        const hidden = inclusion ? tag.name === 'noinclude' : tag.name === 'includeonly';
        if (hidden && !tag.closing && !tag.selfClosing) {
          index = closingTag(text, tag.name, tag.end, unclosed)?.end ?? text.length;
        }
        continue;
      }
      if (tag && !tag.closing && OPAQUE_TAGS.has(tag.name)) {
        const close = tag.selfClosing ? { end: tag.end } : closingTag(text, tag.name, tag.end, unclosed);
        if (close) {
          addText(current(), text.slice(index, close.end));
          index = close.end;
          continue;
        }
      }
      addText(current(), text.slice(index, at + 1));
      index = at + 1;
      continue;
    }

    if (char === '{' || char === '[') {
      let run = 1;
      while (text[at + run] === char) run++;
      addText(current(), text.slice(index, at));
      if (run >= 2) {
        stack.push({ open: char, count: run, parts: [{ nodes: [], equals: -1 }], start: at });
      } else {
        addText(current(), char);
      }
      index = at + run;
      continue;
    }

    if (char === '|' || char === '=') {
      addText(current(), text.slice(index, at));
      index = at + 1;
      if (top?.open === '{') {
        if (char === '|') {
          top.parts.push({ nodes: [], equals: -1 });
          continue;
        }
        const part = current();
        if (top.parts.length > 1 && part.equals < 0) {
          part.equals = part.nodes.length;
          part.nodes.push('=');
          continue;
        }
      }
      addText(current(), char);
      continue;
    }

    // A closing run: it closes only the innermost piece, and only if that piece is of its kind.
    addText(current(), text.slice(index, at));
    const closes = top && ((char === '}' && top.open === '{') || (char === ']' && top.open === '['));
    let run = 0;
    while (closes && run < top.count && text[at + run] === char) run++;
    if (!top && !inclusion && text.startsWith('}}', at)) {
      // A `}}` that closes nothing on a page is a typo MediaWiki shows as typed; offline it goes.
      index = at + 2;
      continue;
    }
    if (!top || !closes || run < 2) {
      addText(current(), char);
      index = at + 1;
      continue;
    }
    const matching = top.open === '{' ? Math.min(run, 3) : 2;
    index = at + matching;
    stack.pop();
    let made: WikiNode[];
    if (top.open === '[') {
      made = ['[['];
      for (const node of brokenPiece({ ...top, count: 0 })) made.push(node);
      made.push(']]');
    } else {
      const start = top.start + top.count - matching;
      const source = text.slice(start, index);
      const block = startsLine(text, start) && endsLine(text, index);
      made = [{ kind: matching === 3 ? 'argument' : 'template', parts: top.parts, source, block }];
    }
    const remaining = top.count - matching;
    if (remaining >= 2) {
      const again: Piece = { open: top.open, count: remaining, parts: [{ nodes: [], equals: -1 }], start: top.start };
      stack.push(again);
    } else if (remaining === 1) {
      addText(current(), top.open);
    }
    addNodes(current(), made);
  }
  addText(current(), text.slice(index));
  // Pieces never closed become text, outermost first: each one's content ends where the next
  // one's begins, so they follow each other at the root rather than nest (copying each into
  // its parent would take quadratic time on thousands of them).
  for (const piece of stack) {
    const nodes = brokenPiece(piece);
    // MediaWiki shows an unclosed {{ as typed; on a page offline that is noise, so its braces go.
    if (!inclusion && piece.open === '{') nodes.shift();
    addNodes(root, nodes);
  }
  return root.nodes;
}

/** A part's name and value around its `=`, for named template arguments. */
export function splitPart(part: Part): { name: WikiNode[]; value: WikiNode[] } | undefined {
  if (part.equals < 0) return undefined;
  return { name: part.nodes.slice(0, part.equals), value: part.nodes.slice(part.equals + 1) };
}
