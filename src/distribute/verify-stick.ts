import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FerryError } from '../errors.js';
import { sha256File } from './pieces.js';
import { BUNDLES_FOLDER, SUMS_NAME } from './usb.js';

export interface StickReport {
  ok: boolean;
  checked: number;
  bad: { file: string; problem: string }[];
  /** Files in bundles/ that SHA256SUMS does not list: added by hand, not checked. */
  unlisted: string[];
}

/** Checks every file SHA256SUMS lists: there, and with the same SHA-256. */
export async function verifyStick(folder: string): Promise<StickReport> {
  const sums = await readFile(join(folder, SUMS_NAME), 'utf8').catch(() => {
    throw new FerryError('INPUT_MISSING', `${folder} has no ${SUMS_NAME}: it was not laid out by "ferry usb".`);
  });
  const report: StickReport = { ok: true, checked: 0, bad: [], unlisted: [] };
  const listed = new Set<string>();
  for (const line of sums.split('\n').filter((each) => each.trim() !== '')) {
    const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    const file = match?.[2];
    if (!match || !file || file.startsWith('/') || file.split('/').includes('..')) {
      report.bad.push({ file: line.slice(0, 80), problem: `a line of ${SUMS_NAME} that is not "<sha256>  <file>"` });
      continue;
    }
    listed.add(file);
    report.checked++;
    const path = join(folder, file);
    if (!(await stat(path).catch(() => undefined))?.isFile()) {
      report.bad.push({ file, problem: 'it is missing' });
    } else if ((await sha256File(path)) !== match[1]) {
      report.bad.push({ file, problem: 'its SHA-256 does not match: it was damaged in copying' });
    }
  }
  const bundles = await readdir(join(folder, BUNDLES_FOLDER)).catch(() => [] as string[]);
  report.unlisted = bundles.map((name) => `${BUNDLES_FOLDER}/${name}`).filter((file) => !listed.has(file));
  report.ok = report.bad.length === 0;
  return report;
}
