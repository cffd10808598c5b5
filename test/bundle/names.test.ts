import { describe, expect, it } from 'vitest';
import { compareNames, compareNameStrings, nameProblem } from '../../src/bundle/names.js';

describe('entry names', () => {
  it('sort strings in the byte order of their UTF-8, as the path index needs', () => {
    const names = ['a/b', 'a-c', 'a', 'é', 'z', '\uffff', '😀', 'a/b/c', '\ue000', 'A'];
    const byStrings = names.slice().sort(compareNameStrings);
    const byBytes = names.slice().sort((a, b) => compareNames(Buffer.from(a), Buffer.from(b)));
    expect(byStrings).toEqual(byBytes);
  });

  it('refuse what could escape a folder or confuse a reader', () => {
    expect(nameProblem('guide/intro.html')).toBeUndefined();
    expect(nameProblem('../x')).toContain('".."');
    expect(nameProblem('/etc/passwd')).toContain('absolute');
    expect(nameProblem('a\\b')).toContain('backslash');
    expect(nameProblem('a\u0007b')).toContain('control');
    expect(nameProblem('a//b')).toContain('""');
    expect(nameProblem('x'.repeat(5000))).toContain('longer');
  });
});
