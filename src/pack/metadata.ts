import { readFile } from 'node:fs/promises';
import { isValidBundleName, toBundleName } from '../bundle/names.js';
import type { BundleMetadata } from '../bundle/manifest.js';
import { FerryError } from '../errors.js';

/** Metadata as a person gives it: flags, or a JSON file with the same keys. */
export interface MetadataInput {
  name?: string | undefined;
  title?: string | undefined;
  description?: string | undefined;
  language?: string | undefined;
  creator?: string | undefined;
  publisher?: string | undefined;
  date?: string | undefined;
  license?: string | undefined;
  source?: string | undefined;
  tags?: string | string[] | undefined;
}

export interface MetadataDefaults {
  folderName: string;
  mainPageTitle: string;
  date: Date;
  source: string;
}

const RECOMMENDED = ['description', 'creator', 'publisher', 'license'] as const;

export async function readMetadataFile(path: string): Promise<MetadataInput> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new FerryError('INPUT_MISSING', `Cannot read --metadata "${path}": ${(error as Error).message}.`, {
      cause: error,
    });
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('it is not a JSON object');
    return value as MetadataInput;
  } catch (error) {
    throw new FerryError('INPUT_INVALID', `--metadata "${path}" is not valid: ${(error as Error).message}.`, {
      cause: error,
    });
  }
}

function parseTags(tags: string | string[] | undefined): string[] {
  const list = Array.isArray(tags) ? tags : (tags ?? '').split(/[,;]/);
  return [...new Set(list.map((tag) => tag.trim()).filter((tag) => tag !== ''))];
}

/** Fills in what was not given, checks what was, and lists what a library would miss. */
export function resolveMetadata(
  input: MetadataInput,
  defaults: MetadataDefaults,
): { metadata: BundleMetadata; warnings: string[] } {
  const warnings: string[] = [];
  const title = input.title?.trim() || defaults.mainPageTitle || defaults.folderName;
  const name = input.name?.trim() || toBundleName(title);
  if (!isValidBundleName(name)) {
    throw new FerryError(
      'USAGE',
      `--name "${name}" is not valid: use lower case letters, digits, "_", "." and "-", at most 64 characters.`,
    );
  }
  let language = input.language?.trim().toLowerCase() ?? '';
  if (language === '') {
    language = 'eng';
    warnings.push('no --language given; assuming "eng" (English). Search stemming follows the language.');
  } else if (!/^[a-z]{3}(,[a-z]{3})*$/.test(language)) {
    throw new FerryError(
      'USAGE',
      `--language "${language}" is not an ISO 639-3 code. Use three letters, such as eng, fra, spa or ara.`,
    );
  }
  const date = input.date?.trim() || defaults.date.toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) {
    throw new FerryError('USAGE', `--date "${date}" is not a date. Use YYYY-MM-DD.`);
  }
  const metadata: BundleMetadata = {
    name,
    title,
    description: input.description?.trim() ?? '',
    language,
    creator: input.creator?.trim() ?? '',
    publisher: input.publisher?.trim() ?? '',
    date,
    license: input.license?.trim() ?? '',
    source: input.source?.trim() || defaults.source,
    tags: parseTags(input.tags),
  };
  const missing = RECOMMENDED.filter((field) => metadata[field] === '');
  if (missing.length > 0) {
    warnings.push(`no ${missing.map((field) => `--${field}`).join(', ')} given; libraries show these to readers.`);
  }
  return { metadata, warnings };
}
