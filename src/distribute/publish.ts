import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import bencode from 'bencode';
import { Bundle } from '../bundle/reader.js';
import { FerryError } from '../errors.js';
import { escapeHtml } from '../search/snippet.js';
import { VERSION } from '../version.js';
import { hashFile, type FileHashes } from './pieces.js';
import { writeFileAtomically } from './file-writes.js';

export interface Mirror {
  /** The folder URL the file sits in. */
  url: string;
  /** ISO 3166-1 alpha-2 country code, when known. */
  location?: string | undefined;
}

export interface PublishOptions {
  /** Where the file is published first; further mirrors after it, in order of preference. */
  mirrors: Mirror[];
  trackers: string[];
  /** The time written in the Metalink; by default the bundle's date, which keeps the file reproducible. */
  published?: Date | undefined;
  /** Whether a torrent is published beside it (its link in the Metalink); true unless said. */
  torrent?: boolean;
}

export interface Published {
  file: string;
  hashes: FileHashes;
  sha256: string;
  meta4: string;
  torrent: string;
}

export const SIDECARS = { sha256: '.sha256', meta4: '.meta4', torrent: '.torrent' } as const;

function fileUrl(folder: string, name: string): string {
  return `${folder.endsWith('/') ? folder : `${folder}/`}${encodeURIComponent(name)}`;
}

/** Metalink 4 (RFC 5854): size, SHA-256, piece hashes, every URL with its priority and location, the torrent. */
export function metalink(name: string, hashes: FileHashes, options: PublishOptions): string {
  const urls = options.mirrors.map((mirror, index) => {
    const location = mirror.location ? ` location="${escapeHtml(mirror.location)}"` : '';
    return `    <url${location} priority="${index + 1}">${escapeHtml(fileUrl(mirror.url, name))}</url>`;
  });
  const pieces = hashes.sha256Pieces.map((hash) => `      <hash>${hash}</hash>`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<metalink xmlns="urn:ietf:params:xml:ns:metalink">',
    `  <generator>ferry/${VERSION}</generator>`,
    ...(options.published
      ? [`  <published>${options.published.toISOString().replace(/\.\d{3}Z$/, 'Z')}</published>`]
      : []),
    `  <file name="${escapeHtml(name)}">`,
    `    <size>${hashes.size}</size>`,
    `    <hash type="sha-256">${hashes.sha256}</hash>`,
    `    <pieces length="${hashes.pieceLength}" type="sha-256">`,
    ...pieces,
    '    </pieces>',
    ...urls,
    ...(options.torrent === false || options.mirrors.length === 0
      ? []
      : [
          `    <metaurl mediatype="torrent" priority="1">${escapeHtml(fileUrl(options.mirrors[0]!.url, name + SIDECARS.torrent))}</metaurl>`,
        ]),
    '  </file>',
    '</metalink>',
    '',
  ].join('\n');
}

/** A single-file torrent with the mirrors as web seeds (BEP 19) and no tracker unless given. */
export function torrent(name: string, hashes: FileHashes, options: PublishOptions): Buffer {
  const [first, ...more] = options.trackers;
  return Buffer.from(
    bencode.encode({
      ...(first ? { announce: first } : {}),
      ...(more.length > 0 ? { 'announce-list': options.trackers.map((tracker) => [tracker]) } : {}),
      'created by': `ferry ${VERSION}`,
      info: { length: hashes.size, name, 'piece length': hashes.pieceLength, pieces: hashes.sha1Pieces },
      'url-list': options.mirrors.map((mirror) => fileUrl(mirror.url, name)),
    }),
  );
}

/** The date in a bundle's metadata, or undefined for a split part or any other file. */
async function bundleDate(file: string): Promise<Date | undefined> {
  try {
    const bundle = await Bundle.open(file);
    const date = new Date(`${bundle.manifest.metadata.date}T00:00:00Z`);
    await bundle.close();
    return Number.isNaN(date.getTime()) ? undefined : date;
  } catch {
    return undefined;
  }
}

/**
 * Writes `<file>.sha256`, `<file>.meta4` and `<file>.torrent` beside a bundle, each replaced
 * whole or not at all. The file is read once.
 */
export async function publishFile(file: string, options: PublishOptions): Promise<Published> {
  if (options.mirrors.length === 0)
    throw new FerryError('USAGE', 'Give --base-url: where the file will be downloaded from.');
  const info = await stat(file).catch((error: Error) => {
    throw new FerryError('INPUT_MISSING', `Cannot read "${file}": ${error.message}.`, { cause: error });
  });
  if (!info.isFile()) throw new FerryError('INPUT_INVALID', `"${file}" is not a file.`);
  const name = basename(file);
  const published = options.published ?? (await bundleDate(file)) ?? info.mtime;
  const hashes = await hashFile(file, info.size);
  const paths = { sha256: file + SIDECARS.sha256, meta4: file + SIDECARS.meta4, torrent: file + SIDECARS.torrent };
  // The format sha256sum -c reads.
  await writeFileAtomically(paths.sha256, `${hashes.sha256}  ${name}\n`);
  await writeFileAtomically(paths.meta4, metalink(name, hashes, { ...options, published }));
  await writeFileAtomically(paths.torrent, torrent(name, hashes, options));
  return { file, hashes, ...paths };
}
