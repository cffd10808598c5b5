import { FerryError } from '../errors.js';
import { VERSION } from '../version.js';

/**
 * Version 2 checksums the path index; version 3 stores term counts in the search shards and
 * scores at query time; version 4 adds zstd entries, copies stored once and deflated postings;
 * version 5 lets an edition keep its base's search shards, with their replaced pages dead; version 6
 * gives the term dictionary and the title list a CRC-32 per block (FORMAT.md §9). Older bundles are still read.
 */
export const FORMAT_VERSION = 6;
const READABLE_VERSIONS = [1, 2, 3, 4, 5, 6];

/** How text entries are compressed: deflate, which any unzip tool reads, or zstd with a dictionary. */
export type Compression = 'deflate' | 'compact';

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
  search: {
    shards: number;
    documents: number;
    language: string;
    /**
     * The format version the search index was written in, when older than the bundle's: `ferry
     * convert` carries an index over as it is, and writes the rest of the bundle anew.
     */
    version?: number;
  };
  /** Absent in bundles written before compact compression, which are all deflate. */
  compression?: Compression;
  contentDigest: string;
}

/** The metadata fields that are plain text, in the order people read them. */
export const TEXT_METADATA_FIELDS = [
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

/** Metadata with only what every bundle must have; the rest empty, to be filled by the caller. */
export function basicMetadata(name: string, title: string, date: string): BundleMetadata {
  return {
    name,
    title,
    description: '',
    language: 'eng',
    creator: '',
    publisher: '',
    date,
    license: '',
    source: '',
    tags: [],
  };
}

/** A manifest of the current format version, made by this ferry. */
export function createManifest(fields: Omit<Manifest, 'format' | 'version' | 'generator'>): Manifest {
  return { format: 'ferry', version: FORMAT_VERSION, generator: `ferry ${VERSION}`, ...fields };
}

/** Parses ferry.json and checks the fields a reader relies on (FORMAT.md §3). */
export function parseManifest(bytes: Buffer, bundleLabel: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new FerryError('BUNDLE_CORRUPT', `${bundleLabel}: ferry.json is not valid JSON.`, { cause: error });
  }
  return checkManifest(value, bundleLabel);
}

/** A manifest already parsed from JSON (kept in a cache, say), checked as parseManifest does. */
export function checkManifest(value: unknown, bundleLabel: string): Manifest {
  const manifest = value as Partial<Manifest> | null;
  if (!manifest || manifest.format !== 'ferry') {
    throw new FerryError('BUNDLE_CORRUPT', `${bundleLabel}: ferry.json does not describe a ferry bundle.`);
  }
  if (!READABLE_VERSIONS.includes(manifest.version as number)) {
    throw new FerryError(
      'BUNDLE_CORRUPT',
      `${bundleLabel}: format version ${String(manifest.version)} is not supported by this ferry (it reads versions ${READABLE_VERSIONS.join(', ')}). Update ferry.`,
    );
  }
  const metadata = manifest.metadata;
  if (!metadata || typeof metadata.name !== 'string' || !Array.isArray(metadata.tags)) {
    throw new FerryError('BUNDLE_CORRUPT', `${bundleLabel}: ferry.json has no valid metadata.`);
  }
  if (typeof manifest.mainPage !== 'string' || !manifest.counts || !manifest.search) {
    throw new FerryError('BUNDLE_CORRUPT', `${bundleLabel}: ferry.json lacks mainPage, counts or search.`);
  }
  const indexVersion = manifest.search.version;
  if (indexVersion !== undefined && !(READABLE_VERSIONS.includes(indexVersion) && indexVersion <= manifest.version!)) {
    throw new FerryError(
      'BUNDLE_CORRUPT',
      `${bundleLabel}: its search index is of format version ${String(indexVersion)}, which this ferry cannot read in a bundle of version ${String(manifest.version)}.`,
    );
  }
  return manifest as Manifest;
}
