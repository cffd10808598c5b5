import { SizedLru } from '../../../lru.js';
import { ownCopy } from '../dump-reader.js';
import { fullTitle, parseTitle, TEMPLATE, type Namespaces } from '../titles.js';
import { Frame } from './frame.js';
import type { FunctionCall } from './function-call.js';
import { callParserFunction } from './functions.js';
import { LIMITS, limitError, type LimitKind } from './limits.js';
import { pageVariable } from './magic-words.js';
import { parseWikitext, splitPart, type BraceNode, type WikiNode } from './parse.js';
import type { CallOutcome, TemplateCounts } from './template-counts.js';

/** Where template texts come from: the dump's Template pages (and Module titles, without text). */
export interface TemplateSource {
  /** The text of the page with this full title, redirects followed; undefined when absent. */
  text(fullTitle: string): string | undefined;
  /** Whether the wiki has a page of this title (for #ifexist): the bundle's or a template's. */
  exists(fullTitle: string): boolean;
}

/** What expansion knows about the page and the wiki. */
export interface PageContext {
  title: string;
  namespaces: Namespaces;
  siteName: string;
  /** The dump's date, which {{CURRENTYEAR}} and #time give. */
  now: Date;
  /** The wiki's content language (en, nl). */
  language: string;
  /** The wiki's address (https://en.wikipedia.org), for {{fullurl:}}; empty when the dump has none. */
  server: string;
  /** The wiki's database name (enwiki, enwiktionary): which hand renderings apply. */
  wiki: string;
}

/** A call that expansion could not do: the template is not in the dump, or it runs Lua. */
export interface UnexpandedCall {
  /** The name as written, trimmed, without namespace changes: what counts and hand renderings use. */
  name: string;
  named: Map<string, string>;
  positional: string[];
  reason: 'missing' | 'lua';
  /** Written over several lines, one argument a line, as infoboxes are. */
  multiline: boolean;
}

/**
 * Where the page made a call: on a line of its own (where a table may stand), within a line, in a
 * footnote, or inside a template (where nothing but a hand rendering fits).
 */
export type CallPlace = 'block' | 'inline' | 'footnote' | 'nested';

/** Renders a call expansion cannot do: by hand, as a table, or not at all. */
export type Fallback = (
  call: UnexpandedCall,
  place: CallPlace,
) => { text: string; how: Exclude<CallOutcome, 'expanded'> };

/** Thrown up from {{#invoke:}} to the call the page made, which is rendered another way. */
export class NeedsLua extends Error {
  /** The innermost call with named arguments on the way up, if any. */
  namedCall: UnexpandedCall | undefined;
}

/** Characters each cache of a worker holds (keys included): a few megabytes, per render thread. */
const MAX_CACHED_CHARS = 4 * 1024 * 1024;

interface CachedCall {
  /** The call's source and place: the key, counted in the cache's size. */
  key: string;
  text: string;
  /** The counts the call made, replayed when the cache answers. */
  counted: [string, CallOutcome][];
}

/**
 * Expands the templates of pages, as MediaWiki does, with its limits. Parsed template texts and
 * the expansions of calls that do not depend on the page are cached across pages.
 */
export class TemplateExpander {
  private readonly parsed = new SizedLru<string, WikiNode[]>(MAX_CACHED_CHARS, sizeOf);
  private readonly expansions = new SizedLru<string, CachedCall>(
    MAX_CACHED_CHARS,
    (call) => call.key.length + call.text.length + 64 * (1 + call.counted.length),
  );
  private page!: PageContext;
  private fallback!: Fallback;
  private nodeCount = 0;
  private includeSize = 0;
  private expandedSize = 0;
  private expandDepth = 0;
  private pageCallDepth = 0;
  /** Set when something used the page's own name, or a rendering of the page's, so the call cannot be cached. */
  private pageDependent = false;
  private counted: [string, CallOutcome][] = [];
  /** True while expanding a footnote's text. */
  private inFootnote = false;

  constructor(
    private readonly source: TemplateSource,
    readonly counts: TemplateCounts,
  ) {}

  /**
   * Text of the page (its body, or a footnote's when `footnote`) with its templates expanded.
   * `fallback` renders the calls that cannot be expanded, into the page's own rendering.
   */
  expandPage(text: string, page: PageContext, fallback: Fallback, footnote = false): string {
    if (page !== this.page) {
      this.nodeCount = 0;
      this.includeSize = 0;
      this.expandedSize = 0;
    }
    // A footnote is expanded while the body's own expansion may be under way (a table of a
    // call's arguments renders the <ref> in one): its state is put back afterwards.
    const outer = {
      page: this.page,
      fallback: this.fallback,
      expandDepth: this.expandDepth,
      pageCallDepth: this.pageCallDepth,
      pageDependent: this.pageDependent,
      counted: this.counted,
      inFootnote: this.inFootnote,
    };
    this.page = page;
    this.fallback = fallback;
    this.expandDepth = 0;
    this.pageCallDepth = 0;
    this.counted = []; // what the calls of one page counted, kept only while a call is cached
    this.inFootnote = footnote;
    try {
      const root = new Frame(page.title, undefined, [], (nodes, frame) => this.expand(nodes, frame));
      const expanded = this.expand(parseWikitext(text, false), root);
      // An argument the page itself uses shows as {{{name}}} in MediaWiki; offline it is noise.
      return expanded.replace(/\{\{\{[^{}|]*\}\}\}/g, '');
    } finally {
      const nested = outer.page === page && outer.fallback !== undefined && outer.expandDepth > 0;
      if (nested) {
        Object.assign(this, outer);
        this.pageDependent = true; // the footnote's rendering holds the page's markers
      }
    }
  }

  /** Marks the expansion in progress as depending on the page (its name, its place). */
  usesPage(): void {
    this.pageDependent = true;
  }

  /**
   * A limit reached: MediaWiki's error text (none for the size, which MediaWiki leaves silent).
   * What the page expanded before decides it, so the call is not cached for other pages.
   */
  private limited(kind: LimitKind | 'expanded-size'): string {
    this.pageDependent = true;
    return kind === 'expanded-size' ? '' : limitError(kind);
  }

  get context(): PageContext {
    return this.page;
  }

  exists(title: string): boolean {
    return this.source.exists(title);
  }

  expand(nodes: WikiNode[], frame: Frame): string {
    if (this.expandDepth >= LIMITS.expandDepth) return this.limited('expand-depth');
    this.expandDepth++;
    try {
      let out = '';
      for (const node of nodes) {
        if (++this.nodeCount > LIMITS.nodeCount) return out + this.limited('node-count');
        if (typeof node === 'string') out += node;
        else if (node.kind === 'argument') out += this.argument(node, frame);
        else out += frame.isRoot ? this.pageCall(node, frame) : this.call(node, frame);
      }
      return out;
    } finally {
      this.expandDepth--;
    }
  }

  private argument(node: BraceNode, frame: Frame): string {
    const name = this.expand(node.parts[0]!.nodes, frame).trim();
    const value = frame.argument(name);
    if (value !== undefined) {
      // Arguments count too, as MediaWiki's 'arg' include size: a chain can grow them tenfold a level.
      this.expandedSize += value.length;
      return this.expandedSize > LIMITS.expandedSize ? this.limited('expanded-size') : value;
    }
    const fallback = node.parts[1];
    return fallback ? this.expand(fallback.nodes, frame) : `{{{${name}}}}`;
  }

  private count(name: string, outcome: CallOutcome): void {
    this.counts.add(name, outcome);
    this.counted.push([name, outcome]);
  }

  /**
   * A call the page made: cached when it does not depend on the page; Lua below it is caught
   * here. The outermost ones count towards the page's include size, as MediaWiki's limit does.
   */
  private pageCall(node: BraceNode, frame: Frame): string {
    this.pageCallDepth++;
    try {
      const text = this.cachedPageCall(node, frame);
      if (this.pageCallDepth > 1) return text;
      this.includeSize += text.length;
      return this.includeSize > LIMITS.includeSize ? '' : text;
    } finally {
      this.pageCallDepth--;
    }
  }

  private cachedPageCall(node: BraceNode, frame: Frame): string {
    const key = `${this.placeOf(node)}:${node.source}`;
    const cached = this.expansions.get(key);
    if (cached) {
      for (const [name, outcome] of cached.counted) this.count(name, outcome);
      return cached.text;
    }
    const outerDependent = this.pageDependent;
    const outerCounted = this.counted;
    this.pageDependent = false;
    this.counted = [];
    try {
      const name = this.expand(node.parts[0]!.nodes, frame).trim();
      let text: string;
      try {
        text = this.call(node, frame, name);
      } catch (error) {
        if (!(error instanceof NeedsLua)) throw error;
        // The call the page made, else (for a page call without named arguments, such as a
        // navigation box) the innermost call with some: what the Lua module would have shown.
        const call = this.describeCall(node, frame, name, 'lua');
        let shown = this.renderOtherwise(call, this.placeOf(node));
        if (shown.how === 'dropped' && call.named.size === 0 && error.namedCall) {
          shown = this.renderOtherwise(error.namedCall, this.placeOf(node));
        }
        this.count(name, shown.how);
        text = shown.text;
      }
      if (!this.pageDependent) {
        // Own copies: a string cut from the page would keep the whole page alive in the cache.
        const counted = this.counted.map(([called, outcome]): [string, CallOutcome] => [ownCopy(called), outcome]);
        const ownKey = ownCopy(key);
        this.expansions.set(ownKey, { key: ownKey, text: ownCopy(text), counted });
      }
      return text;
    } finally {
      this.pageDependent ||= outerDependent;
      outerCounted.push(...this.counted);
      this.counted = outerCounted;
    }
  }

  private placeOf(node: BraceNode): CallPlace {
    return this.inFootnote ? 'footnote' : node.block ? 'block' : 'inline';
  }

  /** The fallback's rendering, which holds the page's own markers: never cached. */
  private renderOtherwise(call: UnexpandedCall, place: CallPlace) {
    const shown = this.fallback(call, place);
    if (shown.text !== '') this.pageDependent = true;
    return shown;
  }

  private call(node: BraceNode, frame: Frame, knownName?: string): string {
    // The limit reached while expanding the name is the call's error, as in MediaWiki, not a name.
    if (this.expandDepth + 1 >= LIMITS.expandDepth) return this.limited('expand-depth');
    // {{{{{|safesubst:}}}#if:…}} is how templates say "substitute when substituted": here, just call.
    const name = (knownName ?? this.expand(node.parts[0]!.nodes, frame).trim()).replace(/^(safe)?subst:\s*/i, '');
    const rest = node.parts.slice(1);
    const variable = rest.length === 0 ? pageVariable(name, this) : undefined;
    if (variable !== undefined) return variable;
    const colon = name.indexOf(':');
    if (colon > 0) {
      const call: FunctionCall = {
        name: name.slice(0, colon).trim(),
        first: name.slice(colon + 1).trim(),
        rest,
        frame,
        expander: this,
      };
      const result = callParserFunction(call);
      if (result !== undefined) return result;
    }
    return this.transclude(node, frame, name);
  }

  private transclude(node: BraceNode, frame: Frame, written: string): string {
    const name = written.replace(/^(msgnw|msg|raw):/i, '').trim();
    const main = name.startsWith(':');
    const parsed = parseTitle(main ? name.slice(1) : name, this.page.namespaces);
    if (!main && parsed.namespace === 0) parsed.namespace = TEMPLATE;
    const title = fullTitle(parsed, this.page.namespaces);
    if (frame.includes(title)) return limitError('loop', title);
    if (frame.depth >= LIMITS.templateDepth) return limitError('template-depth');
    const nodes = this.parsedTemplate(title);
    if (nodes === undefined) {
      const place = frame.isRoot ? this.placeOf(node) : 'nested';
      const shown = this.renderOtherwise(this.describeCall(node, frame, name, 'missing'), place);
      if (frame.isRoot) this.count(name, shown.how);
      return shown.text;
    }
    if (this.expandedSize > LIMITS.expandedSize) return this.limited('expanded-size');
    const inner = new Frame(title, frame, node.parts.slice(1), (nodes, at) => this.expand(nodes, at));
    try {
      const expanded = this.expand(nodes, inner);
      this.expandedSize += expanded.length;
      if (frame.isRoot) this.count(name, 'expanded');
      return expanded;
    } catch (error) {
      if (error instanceof NeedsLua && !error.namedCall && inner.argumentNames().some((key) => !/^\d+$/.test(key))) {
        error.namedCall = this.describeCall(node, frame, name, 'lua');
      }
      throw error;
    }
  }

  /** A template's parsed text, read from the store on first use; undefined when the wiki lacks it. */
  private parsedTemplate(title: string): WikiNode[] | undefined {
    let nodes = this.parsed.get(title);
    if (!nodes) {
      const text = this.source.text(title);
      if (text === undefined) return undefined;
      nodes = parseWikitext(text, true);
      this.parsed.set(title, nodes);
    }
    return nodes;
  }

  /** The call's arguments expanded, for a hand rendering or a table. */
  private describeCall(node: BraceNode, frame: Frame, name: string, reason: UnexpandedCall['reason']): UnexpandedCall {
    const named = new Map<string, string>();
    const positional: string[] = [];
    for (const part of node.parts.slice(1)) {
      const split = splitPart(part);
      if (split) {
        named.set(this.expandSafely(split.name, frame).trim(), this.expandSafely(split.value, frame).trim());
      } else {
        positional.push(this.expandSafely(part.nodes, frame).trim());
      }
    }
    return { name, named, positional, reason, multiline: node.source.includes('\n') };
  }

  /** Expands an argument; a Lua call inside it leaves it empty. */
  private expandSafely(nodes: WikiNode[], frame: Frame): string {
    try {
      return this.expand(nodes, frame);
    } catch (error) {
      if (error instanceof NeedsLua) return '';
      throw error;
    }
  }
}

function sizeOf(nodes: WikiNode[]): number {
  let size = 16;
  for (const node of nodes) {
    if (typeof node === 'string') size += node.length + 16;
    else for (const part of node.parts) size += sizeOf(part.nodes);
  }
  return size;
}
