import { SaxesParser } from 'saxes';
import { Bundle } from '../bundle/reader.js';
import { FerryError } from '../errors.js';
import { publishedSha256 } from './check-download.js';
import { HttpByteSource, NoRangeError, withRetries } from './http-source.js';

/** A bundle another library offers. */
export interface RemoteBundle {
  name: string;
  url: string;
  size: number;
  languages: string[];
  tags: string[];
  /** `sha256:…` of the entries (the manifest's contentDigest): equal digests, equal bundles. */
  contentDigest: string;
  /** The whole file's SHA-256, when a Metalink or .sha256 file gives it. */
  sha256: string | undefined;
}

async function getText(url: string): Promise<{ status: number; type: string; text: string }> {
  return withRetries(`Fetching ${url}`, async () => {
    const response = await fetch(url);
    return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
  });
}

/** The entries of a ferry server's OPDS catalog (`/catalog/entries.xml`). */
function parseCatalog(xml: string, base: string): Omit<RemoteBundle, 'sha256'>[] {
  const entries: Omit<RemoteBundle, 'sha256'>[] = [];
  const parser = new SaxesParser();
  let current: Omit<RemoteBundle, 'sha256'> | undefined;
  let text = '';
  const path: string[] = [];
  parser.on('opentag', (tag) => {
    path.push(tag.name);
    text = '';
    if (tag.name === 'entry') current = { name: '', url: '', size: 0, languages: [], tags: [], contentDigest: '' };
    if (!current) return;
    const attributes = tag.attributes as Record<string, string>;
    if (tag.name === 'category' && attributes.term) current.tags.push(attributes.term);
    if (tag.name === 'link' && attributes.rel === 'http://opds-spec.org/acquisition/open-access' && attributes.href) {
      current.url = new URL(attributes.href, base).href;
      current.size = Number(attributes.length ?? 0);
    }
  });
  parser.on('text', (chunk) => (text += chunk));
  parser.on('closetag', (tag) => {
    path.pop();
    if (!current) return;
    // <entry><name> is the bundle's; <author><name> is a person's.
    if (tag.name === 'name' && path[path.length - 1] === 'entry') current.name = text.trim();
    if (tag.name === 'id') current.contentDigest = text.trim().replace(/^urn:ferry:/, '');
    if (tag.name === 'dc:language') current.languages.push(text.trim());
    if (tag.name === 'entry') {
      if (current.name && current.url) entries.push(current);
      current = undefined;
    }
  });
  try {
    parser.write(xml).close();
  } catch (error) {
    throw new FerryError('INPUT_INVALID', `The catalog at ${base} is not valid XML: ${(error as Error).message}.`);
  }
  return entries;
}

/**
 * What a plain folder of bundles says of one: its manifest, read by Range without the rest. A
 * server without Range gives only the name and size: no language or tags to choose by, and no
 * digest to tell that a copy is current except the file's published SHA-256.
 */
async function describeFile(url: string): Promise<Omit<RemoteBundle, 'sha256'>> {
  const name = decodeURIComponent(url.split('/').pop()!).replace(/\.ferry$/, '');
  let source: HttpByteSource;
  try {
    source = await HttpByteSource.open(url);
  } catch (error) {
    if (!(error instanceof NoRangeError)) throw error;
    const response = await fetch(url, { method: 'HEAD' });
    const size = Number(response.headers.get('content-length') ?? 0);
    return { name, url, size, languages: [], tags: [], contentDigest: '' };
  }
  const bundle = await Bundle.fromSource(source);
  try {
    const { metadata, contentDigest } = bundle.manifest;
    return {
      name,
      url,
      size: source.size,
      languages: metadata.language.split(','),
      tags: metadata.tags,
      contentDigest,
    };
  } finally {
    await bundle.close();
  }
}

/**
 * The bundles at `url`: a ferry server's catalog when it has one, otherwise the `.ferry` files a
 * plain HTTP folder lists (its index page), each described from its own manifest.
 */
export async function listRemoteLibrary(url: string): Promise<RemoteBundle[]> {
  const base = url.endsWith('/') ? url : `${url}/`;
  const catalog = await getText(new URL('catalog/entries.xml', base).href);
  let described: Omit<RemoteBundle, 'sha256'>[];
  if (catalog.status === 200 && /<feed\b/.test(catalog.text)) {
    described = parseCatalog(catalog.text, base);
  } else {
    const index = await getText(base);
    if (index.status !== 200)
      throw new FerryError('INPUT_MISSING', `${base} answered ${index.status}: no library there.`);
    const files = [...index.text.matchAll(/href="([^"?#]+\.ferry)"/gi)].map((match) => new URL(match[1]!, base).href);
    if (files.length === 0) {
      throw new FerryError('INPUT_INVALID', `${base} has neither a ferry catalog nor links to .ferry files.`);
    }
    described = [];
    for (const file of [...new Set(files)]) described.push(await describeFile(file));
  }
  const result: RemoteBundle[] = [];
  for (const bundle of described) result.push({ ...bundle, sha256: await publishedSha256(bundle.url) });
  return result;
}
