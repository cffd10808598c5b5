/**
 * The expression language of {{#expr:}} and {{#ifexpr:}} (ParserFunctions): numbers, e and pi,
 * + - * / div mod fmod ^ round, comparisons, and or not, and the unary functions. Precedence and
 * left associativity as there, so -2^2 is 4 and 2^3^2 is 64.
 */
export class ExpressionError extends Error {}

type Token = { kind: 'number'; value: number } | { kind: 'word' | 'symbol'; text: string };

const WORDS = new Set(
  'e pi mod div fmod round and or not sin cos tan asin acos atan exp ln abs floor ceil trunc sqrt'.split(' '),
);
const SYMBOLS = ['<=', '>=', '!=', '<>', '+', '-', '*', '/', '^', '(', ')', '=', '<', '>'];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const source = text.replace(/\u2212/g, '-').toLowerCase();
  let index = 0;
  while (index < source.length) {
    const char = source[index]!;
    if (/\s/.test(char)) {
      index++;
      continue;
    }
    const number = /^[0-9.]+/.exec(source.slice(index));
    if (number) {
      tokens.push({ kind: 'number', value: Number.parseFloat(number[0]) || 0 });
      index += number[0].length;
      continue;
    }
    const word = /^[a-z]+/.exec(source.slice(index));
    if (word) {
      if (!WORDS.has(word[0])) throw new ExpressionError(`Unrecognised word "${word[0]}".`);
      tokens.push({ kind: 'word', text: word[0] });
      index += word[0].length;
      continue;
    }
    const symbol = SYMBOLS.find((candidate) => source.startsWith(candidate, index));
    if (!symbol) throw new ExpressionError(`Unrecognised punctuation character "${char}".`);
    tokens.push({ kind: 'symbol', text: symbol });
    index += symbol.length;
  }
  return tokens;
}

const BINARY: Record<string, number> = {
  e: 10,
  '^': 8,
  '*': 7,
  '/': 7,
  div: 7,
  mod: 7,
  fmod: 7,
  '+': 6,
  '-': 6,
  round: 5,
  '=': 4,
  '<': 4,
  '>': 4,
  '<=': 4,
  '>=': 4,
  '!=': 4,
  '<>': 4,
  and: 3,
  or: 2,
};

const UNARY: Record<string, (value: number) => number> = {
  not: (value) => (value === 0 ? 1 : 0),
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: (value) => {
    if (value < -1 || value > 1) throw new ExpressionError('Invalid argument for asin: < -1 or > 1.');
    return Math.asin(value);
  },
  acos: (value) => {
    if (value < -1 || value > 1) throw new ExpressionError('Invalid argument for acos: < -1 or > 1.');
    return Math.acos(value);
  },
  atan: Math.atan,
  exp: Math.exp,
  ln: (value) => {
    if (value <= 0) throw new ExpressionError('Invalid argument for ln: <= 0.');
    return Math.log(value);
  },
  abs: Math.abs,
  floor: Math.floor,
  ceil: Math.ceil,
  trunc: Math.trunc,
  sqrt: Math.sqrt,
};

/** PHP's round(): halves away from zero, to `digits` decimals (negative: tens, hundreds). */
function phpRound(value: number, digits: number): number {
  const factor = 10 ** Math.trunc(digits);
  const scaled = Math.abs(value) * factor;
  const rounded = Math.round(Number(scaled.toPrecision(15))) / factor;
  return Math.sign(value) * rounded;
}

function applyBinary(op: string, left: number, right: number): number {
  switch (op) {
    case 'e':
      return left * 10 ** right;
    case '^':
      return left ** right;
    case '*':
      return left * right;
    case '/':
    case 'div':
      if (right === 0) throw new ExpressionError('Division by zero.');
      return left / right;
    case 'mod': {
      const divisor = Math.trunc(right);
      if (divisor === 0) throw new ExpressionError('Division by zero.');
      return Math.trunc(left) % divisor;
    }
    case 'fmod':
      if (right === 0) throw new ExpressionError('Division by zero.');
      return left % right;
    case '+':
      return left + right;
    case '-':
      return left - right;
    case 'round':
      return phpRound(left, right);
    case '=':
      return left === right ? 1 : 0;
    case '<':
      return left < right ? 1 : 0;
    case '>':
      return left > right ? 1 : 0;
    case '<=':
      return left <= right ? 1 : 0;
    case '>=':
      return left >= right ? 1 : 0;
    case '!=':
    case '<>':
      return left !== right ? 1 : 0;
    case 'and':
      return left !== 0 && right !== 0 ? 1 : 0;
    default:
      return left !== 0 || right !== 0 ? 1 : 0;
  }
}

/** Deeper nesting than this (brackets, unary signs) is refused rather than overflowing the stack. */
const MAX_NESTING = 1000;

class ExpressionParser {
  private position = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): number {
    const value = this.binary(0);
    const left = this.tokens[this.position];
    if (left) {
      if (left.kind === 'symbol' && left.text === ')') throw new ExpressionError('Unexpected closing bracket.');
      if (left.kind === 'number') throw new ExpressionError('Unexpected number.');
      throw new ExpressionError(`Unexpected operator ${left.text}.`);
    }
    return value;
  }

  private operatorAt(): string | undefined {
    const token = this.tokens[this.position];
    if (!token || token.kind === 'number') return undefined;
    return BINARY[token.text] !== undefined ? token.text : undefined;
  }

  private binary(minimum: number): number {
    if (++this.depth > MAX_NESTING) throw new ExpressionError('Expression nested too deeply.');
    try {
      return this.binaryAt(minimum);
    } finally {
      this.depth--;
    }
  }

  private binaryAt(minimum: number): number {
    let left = this.operand();
    for (let op = this.operatorAt(); op !== undefined && BINARY[op]! >= minimum; op = this.operatorAt()) {
      this.position++;
      const right = this.binary(BINARY[op]! + 1);
      left = applyBinary(op, left, right);
    }
    return left;
  }

  private operand(): number {
    const token = this.tokens[this.position++];
    if (!token) {
      const before = this.tokens[this.position - 2];
      throw new ExpressionError(
        `Missing operand for ${before && before.kind !== 'number' ? before.text : 'an operator'}.`,
      );
    }
    if (token.kind === 'number') return token.value;
    const { text } = token;
    if (text === 'e') return Math.E;
    if (text === 'pi') return Math.PI;
    if (text === '(') {
      const value = this.binary(0);
      const close = this.tokens[this.position++];
      if (!close || close.kind !== 'symbol' || close.text !== ')') throw new ExpressionError('Unclosed bracket.');
      return value;
    }
    if (text === '-') return -this.binary(11);
    if (text === '+') return this.binary(11);
    const unary = UNARY[text];
    if (unary) return unary(this.binary(10));
    if (text === ')') throw new ExpressionError('Unexpected closing bracket.');
    throw new ExpressionError(`Unexpected operator ${text}.`);
  }
}

export function evaluateExpression(text: string): number {
  const tokens = tokenize(text);
  if (tokens.length === 0) return 0;
  return new ExpressionParser(tokens).parse();
}
