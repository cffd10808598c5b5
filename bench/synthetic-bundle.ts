import { basicMetadata, createManifest } from '../src/bundle/manifest.js';
import { CONTENT_PREFIX } from '../src/bundle/names.js';
import { EntryKind } from '../src/bundle/path-index.js';
import { BundleWriter, type NewEntry } from '../src/bundle/writer.js';

/**
 * Writes a bundle of `count` generated entries and a minimal manifest (no search, the first
 * entry as main page), for the scale tests and benchmarks. Returns the bundle's size.
 */
export async function writeSyntheticBundle(
  path: string,
  name: string,
  count: number,
  entryOf: (i: number) => NewEntry,
  onEntry?: (written: number) => void,
): Promise<number> {
  const writer = await BundleWriter.create(path, { mtime: new Date(Date.UTC(2024, 0, 1)) });
  const counts = { pages: 0, assets: 0, redirects: 0 };
  let mainPage = '';
  for (let i = 0; i < count; i++) {
    const entry = entryOf(i);
    await writer.add(entry);
    counts[entry.kind === EntryKind.Page ? 'pages' : 'assets']++;
    if (i === 0) mainPage = entry.name.slice(CONTENT_PREFIX.length);
    onEntry?.(i + 1);
  }
  await writer.addManifest(
    createManifest({
      metadata: basicMetadata(name, name, '2024-01-01'),
      mainPage,
      illustration: null,
      counts,
      search: { shards: 0, documents: 0, language: 'eng' },
      contentDigest: await writer.contentDigest(),
    }),
  );
  return (await writer.finish()).bytes;
}
