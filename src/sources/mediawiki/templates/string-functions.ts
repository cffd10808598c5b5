import { partText as part, type FunctionCall } from './function-call.js';

const integer = (text: string | undefined, fallback: number) => {
  const value = Number.parseInt(text ?? '', 10);
  return Number.isNaN(value) ? fallback : value;
};

/** Offsets count characters, not UTF-16 units, as PHP's mb_ functions do. */
const characters = (text: string) => [...text];

/**
 * ParserFunctions' string functions (#len, #pos, #rpos, #sub, #replace, #explode, #urldecode),
 * which many wikis enable ($wgPFEnableStringFunctions).
 */
export const STRING_PARSER_FUNCTIONS: Record<string, (call: FunctionCall) => string> = {
  '#len': (call) => String(characters(call.first).length),
  '#pos': (call) => {
    const needle = part(call, 0) || ' ';
    const found = call.first.indexOf(needle, Math.max(0, integer(part(call, 1), 0)));
    return found < 0 ? '' : String(characters(call.first.slice(0, found)).length);
  },
  '#rpos': (call) => {
    const found = call.first.lastIndexOf(part(call, 0) || ' ');
    return String(found < 0 ? -1 : characters(call.first.slice(0, found)).length);
  },
  '#sub': (call) => {
    const text = characters(call.first);
    const start = integer(part(call, 0), 0);
    const length = integer(part(call, 1), 0);
    const from = start < 0 ? Math.max(0, text.length + start) : start;
    const to = length === 0 ? text.length : length < 0 ? text.length + length : from + length;
    return text.slice(from, to).join('');
  },
  '#replace': (call) => call.first.split(part(call, 0) || ' ').join(part(call, 1) ?? ''),
  '#explode': (call) => {
    const pieces = call.first.split(part(call, 0) || ' ');
    const index = integer(part(call, 1), 0);
    const limit = integer(part(call, 2), 0);
    const limited =
      limit > 0 ? [...pieces.slice(0, limit - 1), pieces.slice(limit - 1).join(part(call, 0) || ' ')] : pieces;
    return limited.at(index) ?? '';
  },
  '#urldecode': (call) => {
    try {
      return decodeURIComponent(call.first.replace(/\+/g, ' '));
    } catch {
      return call.first;
    }
  },
};
