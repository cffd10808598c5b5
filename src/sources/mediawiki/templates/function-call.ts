import type { Frame } from './frame.js';
import type { TemplateExpander } from './expand.js';
import type { Part } from './parse.js';

/** A call of a parser function: `{{name: first | rest… }}`. */
export interface FunctionCall {
  name: string;
  /** The text after the colon, expanded and trimmed. */
  first: string;
  rest: Part[];
  frame: Frame;
  expander: TemplateExpander;
}

/** The whole of the n-th part after the first, expanded and trimmed; undefined when absent. */
export function partText(call: FunctionCall, index: number): string | undefined {
  const part = call.rest[index];
  return part ? call.expander.expand(part.nodes, call.frame).trim() : undefined;
}
