import { FerryError } from '../errors.js';

export const FORMAT_VERSION = 1;

export interface BundleMetadata {
  name: string;
  title: string;
  description: string;
  language: string;
  creator: string;
  publisher: string;
  date: string;
  license: string;
  source: string;
  tags: string[];
}

export interface Manifest {
  format: 'ferry';
  version: number;
  generator: string;
  metadata: BundleMetadata;
  mainPage: string;
  illustration: string | null;
  counts: { pages: number; assets: number; redirects: number };
  search: { shards: number; documents: number; language: string };
  contentDigest: string;
}

export const METADATA_FIELDS = [
  'name',
  'title',
  'description',
  'language',
  'creator',
  'publisher',
  'date',
  'license',
  'source',
] as const;

/** Parses ferry.json and checks the fields a reader relies on (FORMAT.md §3). */
export function parseManifest(bytes: Buffer, bundleLabel: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new FerryError('BUNDLE_CORRUPT', `${bundleLabel}: ferry.json is not valid JSON.`, { cause: error });
  }
  const manifest = value as Partial<Manifest> | null;
  if (!manifest || manifest.format !== 'ferry') {
    throw new FerryError('BUNDLE_CORRUPT', `${bundleLabel}: ferry.json does not describe a ferry bundle.`);
  }
  if (manifest.version !== FORMAT_VERSION) {
    throw new FerryError(
      'BUNDLE_CORRUPT',
      `${bundleLabel}: format version ${String(manifest.version)} is not supported by this ferry (it reads version ${FORMAT_VERSION}). Update ferry.`,
    );
  }
  const metadata = manifest.metadata;
  if (!metadata || typeof metadata.name !== 'string' || !Array.isArray(metadata.tags)) {
    throw new FerryError('BUNDLE_CORRUPT', `${bundleLabel}: ferry.json has no valid metadata.`);
  }
  if (typeof manifest.mainPage !== 'string' || !manifest.counts || !manifest.search) {
    throw new FerryError('BUNDLE_CORRUPT', `${bundleLabel}: ferry.json lacks mainPage, counts or search.`);
  }
  return manifest as Manifest;
}
