import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseMetalink } from '../../src/distribute/metalink-parse.js';
import { packSample, runCli, tempFolder } from '../helpers.js';

describe('reading a Metalink', () => {
  let published: string;

  beforeAll(async () => {
    const bundle = await packSample(await tempFolder());
    const run = await runCli([
      'publish',
      bundle,
      '--base-url',
      'https://one.example.org/ferry/',
      '--mirror',
      'ke=https://two.example.org/',
    ]);
    expect(run.code, run.stderr).toBe(0);
    published = await readFile(`${bundle}.meta4`, 'utf8');
  });

  it('gives what ferry publish wrote: size, SHA-256, pieces, and the mirrors by priority with their country', () => {
    const file = parseMetalink(published, 'https://one.example.org/ferry/click.ferry.meta4');
    expect(file.name).toBe('click.ferry');
    expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(file.pieceHashes).toHaveLength(Math.ceil(file.size / file.pieceLength));
    expect(file.urls).toEqual([
      { url: 'https://one.example.org/ferry/click.ferry', priority: 1 },
      { url: 'https://two.example.org/click.ferry', priority: 2, location: 'ke' },
    ]);
  });

  it('takes relative URLs from where the Metalink was fetched, and a URL without priority last', () => {
    const edited = published
      .replace(/<url priority="1">[^<]*<\/url>/, '<url>../mirror/click.ferry</url>')
      .replace(/<url location="ke" priority="2">/, '<url location="KE" priority="5">');
    const file = parseMetalink(edited, 'http://10.0.0.5:8080/download/click.ferry.meta4');
    expect(file.urls.map((each) => [each.url, each.priority, each.location])).toEqual([
      ['https://two.example.org/click.ferry', 5, 'ke'],
      ['http://10.0.0.5:8080/mirror/click.ferry', 1_000_000, undefined],
    ]);
  });

  it('refuses what cannot be fetched in checked pieces, saying why', () => {
    const where = 'http://host/x.meta4';
    expect(() => parseMetalink('<metalink', where)).toThrow(/not a usable Metalink: not valid XML/);
    expect(() => parseMetalink(published.replace(/<pieces[\s\S]*<\/pieces>/, ''), where)).toThrow(
      /no SHA-256 <pieces> \(publish it with ferry publish\)/,
    );
    expect(() => parseMetalink(published.replace(/<hash>[0-9a-f]+<\/hash>/, ''), where)).toThrow(
      /piece hashes do not cover \d+ bytes/,
    );
    const twoFiles = published.replace(/<\/file>/, '</file><file name="b"><size>1</size></file>');
    expect(() => parseMetalink(twoFiles, where)).toThrow(/describes 2 files, ferry fetches one/);
    expect(() => parseMetalink(published.replace(/<hash type="sha-256">[^<]*<\/hash>/, ''), where)).toThrow(
      /no SHA-256 of the whole file/,
    );
  });
});
