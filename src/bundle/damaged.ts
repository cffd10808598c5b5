import { FerryError } from '../errors.js';

/** The error for an entry whose bytes are not those the bundle recorded. */
export function damagedEntry(bundleLabel: string, name: string, why = 'its CRC-32 does not match'): FerryError {
  return new FerryError(
    'ENTRY_DAMAGED',
    `${bundleLabel}: "${name}" is damaged (${why}). Run "ferry verify ${bundleLabel}" to check the whole bundle, then copy it again from a good source.`,
  );
}
