import { createHash } from 'node:crypto';
import { DICTIONARY_NAME, INDEX_NAME, MANIFEST_NAME } from './names.js';

export type DigestLine = { name: string; target: string } | { name: string; sha256: Buffer };

/**
 * The bundle's content digest (FORMAT.md §3): one line per record in index order, name TAB
 * SHA-256, or name TAB `->` target for a redirect; ferry.json, the index and the zstd dictionary
 * are left out, so a bundle's compact and deflate forms have one digest.
 */
export function contentDigest(records: Iterable<DigestLine>): string {
  const hash = createHash('sha256');
  for (const record of records) {
    if (record.name === MANIFEST_NAME || record.name === INDEX_NAME || record.name === DICTIONARY_NAME) continue;
    hash.update(
      'target' in record
        ? `${record.name}\t->${record.target}\n`
        : `${record.name}\t${record.sha256.toString('hex')}\n`,
    );
  }
  return 'sha256:' + hash.digest('hex');
}
