import { FerryError } from '../errors.js';

/** A --country value: two letters (ISO 3166-1 alpha-2), as a Metalink's location gives them. */
export function countryOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[a-z]{2}$/i.test(value))
    throw new FerryError(
      'USAGE',
      `--country "${value}" is not a two-letter country code (ISO 3166-1), such as ke or fr.`,
    );
  return value.toLowerCase();
}
