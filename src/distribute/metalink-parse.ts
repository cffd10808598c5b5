import { SaxesParser } from 'saxes';
import { FerryError } from '../errors.js';

/** One place a Metalink says the file can be fetched from. */
export interface MetalinkUrl {
  url: string;
  /** 1 is the most preferred (RFC 5854 §4.2.16.2); a URL without one comes last. */
  priority: number;
  /** ISO 3166-1 alpha-2 country code, when given. */
  location?: string;
}

/** What a .meta4 says of one file: enough to fetch it in pieces from several places and check each. */
export interface MetalinkFile {
  name: string;
  size: number;
  sha256: string;
  pieceLength: number;
  /** SHA-256 of each piece, in hex, in file order. */
  pieceHashes: string[];
  urls: MetalinkUrl[];
}

const LAST_PRIORITY = 1_000_000;

function invalid(where: string, why: string): FerryError {
  return new FerryError('INPUT_INVALID', `${where} is not a usable Metalink: ${why}.`);
}

/**
 * Reads a Metalink 4 document (RFC 5854) of one file, with its SHA-256 piece hashes; relative
 * URLs are taken from `base`. Refused when the piece hashes cannot cover the file as its size says.
 */
export function parseMetalink(xml: string, base: string): MetalinkFile {
  const parser = new SaxesParser({ xmlns: true });
  const file: Partial<MetalinkFile> & { urls: MetalinkUrl[]; pieceHashes: string[] } = { urls: [], pieceHashes: [] };
  let files = 0;
  let text = '';
  let inPieces = false;
  let hashType = '';
  let url: Omit<MetalinkUrl, 'url'> | undefined;
  parser.on('opentag', (tag) => {
    text = '';
    const attribute = (name: string) => tag.attributes[name]?.value;
    if (tag.local === 'file') {
      files++;
      file.name = attribute('name') ?? '';
    }
    if (tag.local === 'pieces') {
      inPieces = attribute('type')?.toLowerCase() === 'sha-256';
      if (inPieces) file.pieceLength = Number(attribute('length'));
    }
    if (tag.local === 'hash') hashType = attribute('type')?.toLowerCase() ?? '';
    if (tag.local === 'url') {
      const priority = Number(attribute('priority'));
      const location = attribute('location');
      url = { priority: Number.isInteger(priority) && priority > 0 ? priority : LAST_PRIORITY };
      if (location) url.location = location.toLowerCase();
    }
  });
  parser.on('text', (chunk) => (text += chunk));
  parser.on('closetag', (tag) => {
    const value = text.trim();
    if (tag.local === 'size') file.size = Number(value);
    if (tag.local === 'hash' && inPieces) file.pieceHashes.push(value.toLowerCase());
    else if (tag.local === 'hash' && hashType === 'sha-256') file.sha256 = value.toLowerCase();
    if (tag.local === 'pieces') inPieces = false;
    if (tag.local === 'url' && url) {
      try {
        file.urls.push({ url: new URL(value, base).href, ...url });
      } catch {
        // An address that is not a URL is one source less, not a refusal of the whole file.
      }
      url = undefined;
    }
  });
  try {
    parser.write(xml).close();
  } catch (error) {
    throw invalid(base, `not valid XML (${(error as Error).message})`);
  }
  if (files !== 1) throw invalid(base, `it describes ${files} files, ferry fetches one`);
  const { name, size, sha256, pieceLength, pieceHashes, urls } = file;
  if (!Number.isSafeInteger(size) || size! < 0) throw invalid(base, 'no valid <size>');
  if (!sha256 || !/^[0-9a-f]{64}$/.test(sha256)) throw invalid(base, 'no SHA-256 of the whole file');
  if (!Number.isSafeInteger(pieceLength) || pieceLength! <= 0)
    throw invalid(base, 'no SHA-256 <pieces> (publish it with ferry publish)');
  if (
    pieceHashes.length !== Math.ceil(size! / pieceLength!) ||
    pieceHashes.some((hash) => !/^[0-9a-f]{64}$/.test(hash))
  )
    throw invalid(base, `${pieceHashes.length} piece hashes do not cover ${size} bytes in pieces of ${pieceLength}`);
  urls.sort((a, b) => a.priority - b.priority);
  return { name: name!, size: size!, sha256, pieceLength: pieceLength!, pieceHashes, urls };
}
