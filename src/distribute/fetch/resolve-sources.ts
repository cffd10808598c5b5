import { parseMetalink, type MetalinkFile } from '../metalink-parse.js';
import { Source } from './source.js';

export interface ResolvedSources {
  /** The file's Metalink, when one was given or published beside a URL: piece hashes and more mirrors. */
  metalink: MetalinkFile | undefined;
  /** The text of that Metalink, to keep beside a copy so its server can offer it in turn. */
  metalinkText: string | undefined;
  /** Every place to fetch from, the URLs given first; without a Metalink, only those. */
  sources: Source[];
}

export function isMetalinkUrl(url: string): boolean {
  return /\.meta4$/i.test(new URL(url).pathname);
}

/** The Metalink at `url`, or undefined when there is none there; a broken one is an error. */
export async function fetchMetalink(
  url: string,
  required: boolean,
): Promise<{ file: MetalinkFile; text: string } | undefined> {
  const response = await fetch(url).catch((error: Error) => {
    if (required) throw error;
    return undefined;
  });
  if (!response?.ok) {
    await response?.body?.cancel();
    if (required) throw new Error(`${url} answered ${response?.status}`);
    return undefined;
  }
  const text = await response.text();
  return { file: parseMetalink(text, url), text };
}

/**
 * Turns what the user gave (URLs of one file, or .meta4 URLs) into sources: each plain URL, the
 * URLs of a .meta4 given, and (with `lookBeside`) those of the .meta4 published beside the first
 * plain URL that has one (`<url>.meta4`, as ferry publish and ferry serve offer it).
 */
export async function resolveSources(given: string[], lookBeside = true): Promise<ResolvedSources> {
  const plain = given.filter((url) => !isMetalinkUrl(url));
  const metalinks = given.filter(isMetalinkUrl);
  let found = metalinks.length > 0 ? await fetchMetalink(metalinks[0]!, true) : undefined;
  if (!found && lookBeside) {
    // Asked of every source at once: one that makes its Metalink first (503 for a while) costs no wait for the others.
    const beside = await Promise.all(plain.map((url) => fetchMetalink(`${url}.meta4`, false).catch(() => undefined)));
    found = beside.find((each) => each !== undefined);
  }
  const sources = new Map<string, Source>();
  for (const url of plain) sources.set(url, new Source(url));
  for (const { url, priority, location } of found?.file.urls ?? []) {
    if (!sources.has(url)) sources.set(url, new Source(url, priority, location));
  }
  return { metalink: found?.file, metalinkText: found?.text, sources: [...sources.values()] };
}
