import { fullTitle, parseTitle } from '../titles.js';
import { valuesEqual } from './compare.js';
import { evaluateExpression, ExpressionError } from './expr.js';
import { NeedsLua } from './expand.js';
import { STRING_FUNCTIONS } from './magic-words.js';
import { splitPart, type Part } from './parse.js';
import { partText, type FunctionCall } from './function-call.js';
import { STRING_PARSER_FUNCTIONS } from './string-functions.js';
import { formatTime } from './time.js';

const expressionError = (error: unknown) => {
  if (!(error instanceof ExpressionError)) throw error;
  return `<strong class="error">Expression error: ${error.message}</strong>`;
};

function switchCase(call: FunctionCall): string {
  const { expander, frame } = call;
  let found = false;
  let defaultNext = false;
  let fallback: Part | undefined;
  let lastUnnamed: Part | undefined;
  const isDefault = (text: string) => text.toLowerCase() === '#default';
  for (const part of call.rest) {
    const named = splitPart(part);
    if (named) {
      lastUnnamed = undefined;
      const valuePart = { nodes: named.value, equals: -1 };
      if (found) return expander.expand(valuePart.nodes, frame).trim();
      const name = expander.expand(named.name, frame).trim();
      if (valuesEqual(name, call.first)) return expander.expand(valuePart.nodes, frame).trim();
      // `#default = x`, or `#default | a = x` (an unnamed #default shares the next case's value).
      if (isDefault(name) || defaultNext) fallback = valuePart;
      defaultNext = false;
    } else {
      lastUnnamed = part;
      const test = expander.expand(part.nodes, frame).trim();
      if (valuesEqual(test, call.first)) found = true;
      else if (isDefault(test)) defaultNext = true;
    }
  }
  const chosen = lastUnnamed ?? fallback;
  return chosen ? expander.expand(chosen.nodes, frame).trim() : '';
}

function tag(call: FunctionCall): string {
  const name = call.first.toLowerCase();
  if (!/^[a-z][a-z0-9-]*$/.test(name)) return '';
  const content = partText(call, 0) ?? '';
  const attributes = call.rest
    .slice(1)
    .map(splitPart)
    .filter((named) => named !== undefined)
    .map((named) => {
      const key = call.expander.expand(named.name, call.frame).trim();
      const value = call.expander.expand(named.value, call.frame).trim();
      return ` ${key}="${value.replace(/^(["'])(.*)\1$/, '$2').replace(/"/g, '&quot;')}"`;
    })
    .join('');
  return `<${name}${attributes}>${content}</${name}>`;
}

/** `{{#titleparts: title | count | first}}`: some of a title's `/`-separated segments. */
function titleParts(call: FunctionCall): string {
  const segments = call.first.split('/');
  const count = Number.parseInt(partText(call, 0) ?? '0', 10) || 0;
  const first = Number.parseInt(partText(call, 1) ?? '1', 10) || 1;
  const start = first > 0 ? first - 1 : Math.max(0, segments.length + first);
  const taken = segments.slice(start);
  const kept = count > 0 ? taken.slice(0, count) : count < 0 ? taken.slice(0, count) : taken;
  return kept.join('/');
}

type Handler = (call: FunctionCall) => string;

const time: Handler = (call) =>
  formatTime(call.first, partText(call, 0) ?? '', partText(call, 1), call.expander.context);

const PARSER_FUNCTIONS: Record<string, Handler> = {
  '#if': (call) => (call.first !== '' ? partText(call, 0) : partText(call, 1)) ?? '',
  '#ifeq': (call) => (valuesEqual(call.first, partText(call, 0) ?? '') ? partText(call, 1) : partText(call, 2)) ?? '',
  '#iferror': (call) => {
    const failed = /<(?:strong|span|p|div)\s[^>]*\bclass\s*=\s*["'][^"']*\berror\b/i.test(call.first);
    if (failed) return partText(call, 0) ?? '';
    return call.rest.length > 1 ? (partText(call, 1) ?? '') : call.first;
  },
  '#ifexpr': (call) => {
    try {
      const value = call.first === '' ? 0 : evaluateExpression(call.first);
      return (value !== 0 ? partText(call, 0) : partText(call, 1)) ?? '';
    } catch (error) {
      return expressionError(error);
    }
  },
  '#ifexist': (call) => {
    const { namespaces } = call.expander.context;
    const exists = call.first !== '' && call.expander.exists(fullTitle(parseTitle(call.first, namespaces), namespaces));
    return (exists ? partText(call, 0) : partText(call, 1)) ?? '';
  },
  '#switch': switchCase,
  '#expr': (call) => {
    try {
      return call.first === '' ? '' : formatExpression(evaluateExpression(call.first));
    } catch (error) {
      return expressionError(error);
    }
  },
  '#time': time,
  '#timel': time, // local time is UTC here, as the server's
  '#tag': tag,
  '#titleparts': titleParts,
  '#invoke': () => {
    throw new NeedsLua('a Scribunto module');
  },
  '#language': (call) => {
    try {
      const inLanguage = partText(call, 0) || call.first;
      return new Intl.DisplayNames([inLanguage], { type: 'language' }).of(call.first) ?? call.first;
    } catch {
      return call.first;
    }
  },
  '#special': (call) => `Special:${call.first}`,
  '#formatdate': (call) => call.first,
  '#dateformat': (call) => call.first,
  '#dir': () => 'ltr',
  ...STRING_PARSER_FUNCTIONS,
  '#bcp47': (call) => call.first.toLowerCase(),
};

/** Shown as PHP shows a float with 14 significant digits: 1/3 is 0.33333333333333, 1e20 is 1.0E+20. */
export function formatExpression(value: number): string {
  if (Number.isNaN(value)) return 'NAN';
  if (!Number.isFinite(value)) return value > 0 ? 'INF' : '-INF';
  if (Object.is(value, -0)) return '0';
  const rounded = Number(value.toPrecision(14));
  const exponent = rounded === 0 ? 0 : Math.floor(Math.log10(Math.abs(rounded)));
  if (exponent >= 15 || exponent < -4) {
    const [mantissa, power] = rounded.toExponential().split('e');
    const withDot = mantissa!.includes('.') ? mantissa : `${mantissa}.0`;
    return `${withDot}E${power}`; // toExponential gives the sign: 1.5E+20, 1.0E-5
  }
  return String(rounded);
}

/**
 * Runs the parser function or the function-like magic word (`lc:`, `PAGENAME:`) a call names;
 * undefined when the name before the colon is none, so the call is a template with a colon in it.
 */
export function callParserFunction(call: FunctionCall): string | undefined {
  const handler = PARSER_FUNCTIONS[call.name.toLowerCase()];
  if (handler) return handler(call);
  const stringFunction = STRING_FUNCTIONS[call.name] ?? STRING_FUNCTIONS[call.name.toLowerCase()];
  if (!stringFunction) return undefined;
  const args: string[] = [];
  for (let index = 0; index < call.rest.length; index++) args.push(partText(call, index) ?? '');
  return stringFunction(call.first, args, call.expander);
}
