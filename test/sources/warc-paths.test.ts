import { describe, expect, it } from 'vitest';
import { nameProblem } from '../../src/bundle/names.js';
import { capturePath } from '../../src/sources/warc/capture-paths.js';

describe('where a captured URL lives in a bundle', () => {
  it('is the host and the path, index.html for a folder, the port only when not the usual one', () => {
    expect(capturePath('https://Example.org/')).toBe('example.org/index.html');
    expect(capturePath('http://example.org/docs/')).toBe('example.org/docs/index.html');
    expect(capturePath('http://example.org:8080/a/b.html#part')).toBe('example.org:8080/a/b.html');
    expect(capturePath('https://example.org:443/a')).toBe(capturePath('http://example.org/a'));
  });

  it('keeps the query, its parameters in one order, so one page has one name', () => {
    expect(capturePath('https://example.org/search?b=2&a=1')).toBe('example.org/search?a=1&b=2');
    expect(capturePath('https://example.org/search?a=1&b=2')).toBe('example.org/search?a=1&b=2');
  });

  it('decodes the path but keeps an encoded slash, and makes every name valid', () => {
    expect(capturePath('https://example.org/caf%C3%A9/a%2Fb')).toBe('example.org/café/a%2Fb');
    expect(capturePath('https://example.org//x/./y/../z')).toBe('example.org/x/z');
    const long = capturePath(`https://example.org/${'é'.repeat(3000)}`)!;
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(1024);
    expect(long).toMatch(/~[0-9a-f]{16}$/);
    expect(capturePath(`https://example.org/${'é'.repeat(3000)}`)).toBe(long);
    for (const url of ['https://example.org/', 'https://example.org/a?x=%00', long]) {
      expect(nameProblem(`content/${capturePath(url.startsWith('http') ? url : `https://${url}`)}`)).toBeUndefined();
    }
  });

  it('has none for what is not http or https', () => {
    expect(capturePath('dns:example.org')).toBeUndefined();
    expect(capturePath('metadata://gnu.org/software/wget/warc/wget.log')).toBeUndefined();
    expect(capturePath('not a url')).toBeUndefined();
  });
});
