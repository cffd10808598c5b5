import { describe, expect, it } from 'vitest';
import { buildDictionary, dictionarySizeFor, spreadSample } from '../../src/bundle/dictionary-builder.js';
import { compressWithDictionary, loadZstd } from '../../src/bundle/zstd.js';

const NAVIGATION =
  '<nav class="sidebar"><ul><li><a href="index.html">Home</a></li><li><a href="guide.html">Guide</a></li>' +
  '<li><a href="reference.html">Reference</a></li><li><a href="changes.html">Changes</a></li></ul></nav>';

/** A page of a made-up site: the shared navigation and footer around text of its own. */
function page(number: number): Buffer {
  const words = Array.from({ length: 60 }, (_, i) => `word${(number * 7919 + i * 104729) % 100003}`).join(' ');
  return Buffer.from(
    `<html><body>${NAVIGATION}<main><h1>Page ${number}</h1><p>${words}</p></main>` +
      `<footer>Copyright the makers of this site. Built with a generator.</footer></body></html>`,
  );
}

describe('the zstd dictionary builder', () => {
  it('keeps what many pages share, so a page it has not seen compresses far better with it', async () => {
    await loadZstd();
    const samples = Array.from({ length: 200 }, (_, i) => page(i));
    const dictionary = buildDictionary(samples, 4096);
    expect(dictionary.length).toBeLessThanOrEqual(4096);
    expect(dictionary.toString('latin1')).toContain('<li><a href="reference.html">Reference</a></li>');
    const unseen = page(5000);
    const without = compressWithDictionary(unseen, Buffer.alloc(0), 9).length;
    const withIt = compressWithDictionary(unseen, dictionary, 9).length;
    expect(withIt).toBeLessThan(without * 0.8);
  });

  it('gives the same dictionary for the same samples', () => {
    const samples = Array.from({ length: 50 }, (_, i) => page(i));
    expect(buildDictionary(samples, 2048).equals(buildDictionary(samples, 2048))).toBe(true);
  });

  it('sizes a dictionary to the collection and samples across all of it', () => {
    expect(dictionarySizeFor(100_000)).toBe(4096);
    expect(dictionarySizeFor(64 * 50_000)).toBe(50_000);
    expect(dictionarySizeFor(1e9)).toBe(112_640);
    const items = Array.from({ length: 1000 }, (_, i) => i);
    const picked = spreadSample(items, () => 1000, 100_000);
    expect(picked.length).toBe(100);
    expect(picked.at(-1)).toBeGreaterThan(900);
  });
});
