import { describe, expect, it } from 'vitest';
import { basicMetadata, checkManifest, createManifest } from '../../src/bundle/manifest.js';
import { searchVersion } from '../../src/search/shard-list.js';

const manifest = (search: Record<string, number | string>) =>
  JSON.parse(
    JSON.stringify(
      createManifest({
        metadata: basicMetadata('docs', 'Docs', '2026-12-01'),
        mainPage: 'index.html',
        illustration: null,
        counts: { pages: 1, assets: 0, redirects: 0 },
        search: { shards: 1, documents: 1, language: 'eng', ...search },
        contentDigest: '0'.repeat(64),
      }),
    ),
  ) as unknown;

// A converted bundle carries its search index over: the manifest says which version it is.
describe('the search index version of a manifest', () => {
  it("is the bundle's version unless the manifest names an older one", () => {
    expect(searchVersion(checkManifest(manifest({}), 'docs.ferry'))).toBe(6);
    expect(searchVersion(checkManifest(manifest({ version: 1 }), 'docs.ferry'))).toBe(1);
  });

  it('is refused when it is newer than the bundle or of no version this ferry reads', () => {
    expect(() => checkManifest(manifest({ version: 7 }), 'docs.ferry')).toThrow(
      /docs.ferry: its search index is of format version 7/,
    );
    expect(() => checkManifest(manifest({ version: 0 }), 'docs.ferry')).toThrow(/search index is of format version 0/);
  });
});
