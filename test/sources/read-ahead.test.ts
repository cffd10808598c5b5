import { describe, expect, it } from 'vitest';
import { readAhead } from '../../src/sources/read-ahead.js';
import type { SourceFile } from '../../src/sources/types.js';

/** A file whose read takes a while, and fails when `fails` says so. */
function file(path: string, fails = false): SourceFile {
  return {
    path,
    size: 10,
    read: () =>
      new Promise((resolve, reject) =>
        setTimeout(() => (fails ? reject(new Error(`cannot read ${path}`)) : resolve(Buffer.from(path))), 5),
      ),
  };
}

describe('reading a collection ahead', () => {
  it('gives every file its own content, in order', async () => {
    const files = Array.from({ length: 30 }, (_, i) => file(`page-${i}.html`));
    const seen: string[] = [];
    for await (const { file: each, data } of readAhead(files)) {
      expect(data.toString()).toBe(each.path);
      seen.push(each.path);
    }
    expect(seen).toEqual(files.map((each) => each.path));
  });

  it('fails at the file that cannot be read, after giving those before it', async () => {
    const files = [file('a.html'), file('b.html'), file('broken.html', true), file('d.html')];
    const seen: string[] = [];
    const reading = (async () => {
      for await (const { file: each } of readAhead(files)) seen.push(each.path);
    })();
    await expect(reading).rejects.toThrow('cannot read broken.html');
    expect(seen).toEqual(['a.html', 'b.html']);
  });
});
