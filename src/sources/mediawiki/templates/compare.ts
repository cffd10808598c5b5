/** PHP's is_numeric, which #ifeq and #switch use: both sides numbers are compared as numbers. */
const NUMERIC = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Character references decoded, as ParserFunctions decodes both sides before comparing. */
export function decodeReferences(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[body.toLowerCase()] ?? whole;
  });
}

/** Whether two trimmed values are equal the way #ifeq and #switch decide it. */
export function valuesEqual(left: string, right: string): boolean {
  const a = decodeReferences(left);
  const b = decodeReferences(right);
  if (a === b) return true;
  return NUMERIC.test(a) && NUMERIC.test(b) && Number(a) === Number(b);
}
