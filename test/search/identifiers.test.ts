import { describe, expect, it } from 'vitest';
import { searchShard } from './build-shard.js';

const pages = [
  {
    path: 'json.html',
    title: 'json — JSON encoder',
    headings: 'json.dumps(obj, *, indent=None)',
    text: 'Serialize obj with json.dumps(obj).',
  },
  {
    path: 'pickle.html',
    title: 'pickle — serialization',
    text: 'Unlike json, pickle dumps objects; see pickle.dumps().',
  },
  { path: 'os.html', title: 'os — operating system', text: 'Use os.path.join(a, b) to join paths.' },
];

describe('search for identifiers', () => {
  it('finds a dotted name whole, even next to parentheses', async () => {
    expect((await searchShard(pages, 'json.dumps'))[0]).toBe('json.html');
  });

  it('finds a dotted name by its last part', async () => {
    expect(await searchShard(pages, 'join')).toEqual(['os.html']);
  });

  it('ranks the page that defines a name in a heading above one that mentions its parts', async () => {
    const found = await searchShard(pages, 'dumps');
    expect(found[0]).toBe('json.html');
    expect(found).toContain('pickle.html');
  });
});
