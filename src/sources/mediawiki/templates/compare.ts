import { decodeReferences } from '../../../char-references.js';

/** PHP's is_numeric, which #ifeq and #switch use: both sides numbers are compared as numbers. */
const NUMERIC = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;

/** Whether two trimmed values are equal the way #ifeq and #switch decide it. */
export function valuesEqual(left: string, right: string): boolean {
  const a = decodeReferences(left);
  const b = decodeReferences(right);
  if (a === b) return true;
  return NUMERIC.test(a) && NUMERIC.test(b) && Number(a) === Number(b);
}
