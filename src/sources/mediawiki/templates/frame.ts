import { splitPart, type Part, type WikiNode } from './parse.js';

/** An argument as written in a call, expanded on first use in the frame it was written in. */
interface ArgumentSource {
  nodes: WikiNode[];
  trim: boolean;
}

/**
 * One template call being expanded: its title, its arguments (named and numbered), and the frame
 * its arguments were written in. The page itself is the root frame, with no arguments.
 */
export class Frame {
  private readonly sources = new Map<string, ArgumentSource>();
  private readonly values = new Map<string, string>();

  constructor(
    /** The template's full title; the page's for the root frame. */
    readonly title: string,
    readonly parent: Frame | undefined,
    parts: Part[],
    /** Expands nodes in a frame: the expander's, given here to keep this file free of it. */
    private readonly expandIn: (nodes: WikiNode[], frame: Frame) => string,
  ) {
    let number = 0;
    for (const part of parts) {
      const named = splitPart(part);
      if (named && parent) {
        const name = expandIn(named.name, parent).trim();
        this.sources.set(name, { nodes: named.value, trim: true });
      } else {
        number++;
        this.sources.set(String(number), { nodes: part.nodes, trim: false });
      }
    }
  }

  get depth(): number {
    return this.parent ? this.parent.depth + 1 : 0;
  }

  get isRoot(): boolean {
    return this.parent === undefined;
  }

  /** The argument's expanded value (named ones trimmed, numbered ones as written), or undefined. */
  argument(name: string): string | undefined {
    const known = this.values.get(name);
    if (known !== undefined) return known;
    const source = this.sources.get(name);
    if (!source || !this.parent) return undefined;
    const expanded = this.expandIn(source.nodes, this.parent);
    const value = source.trim ? expanded.trim() : expanded;
    this.values.set(name, value);
    return value;
  }

  /** Names of the arguments given, in call order. */
  argumentNames(): string[] {
    return [...this.sources.keys()];
  }

  /** Whether a template of this title is already being expanded further up: a loop. */
  includes(title: string): boolean {
    if (!this.parent) return false;
    return this.title === title || this.parent.includes(title);
  }
}
