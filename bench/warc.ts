/**
 * `npm run bench:warc [-- --gigabytes 1]`: packs a web archive of about 1 GB made of real records
 * (the crawls in test/fixtures/warc/, copied with each copy's hosts renamed, gzip per record as
 * crawlers write it) and reports MB/s and peak RSS, in both compression modes. warc2zim is not
 * run beside it: it comes from PyPI, which this machine cannot reach. Results go to
 * bench/results/<date>-warc.json.
 */
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { WARCParser } from 'warcio';
import { measureCommand } from './processes.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const WORK = join(REPO, 'bench/work/warc');
const FIXTURES = join(REPO, 'test/fixtures/warc');
const CLI = join(REPO, 'dist/cli/ferry.mjs');

interface TemplateRecord {
  headers: [string, string][];
  block: Uint8Array;
}

/** Every record of the fixture WARCs, headers and block as written. */
async function templateRecords(): Promise<TemplateRecord[]> {
  const records: TemplateRecord[] = [];
  for (const file of readdirSync(FIXTURES)
    .filter((name) => /\.warc(\.gz)?$/.test(name))
    .sort()) {
    const parser = new WARCParser(createReadStream(join(FIXTURES, file)), { parseHttp: false });
    for await (const record of parser) {
      const block = await record.readFully(false);
      const headers = record.warcHeaders.headers as unknown as Map<string, string>;
      records.push({ headers: [...headers], block });
    }
  }
  return records;
}

/** Copy `copy` of a record: its URLs on hosts of their own (`c12.data.gov.uk`), a fresh record id. */
function renamed(record: TemplateRecord, copy: number): Buffer {
  const lines = record.headers.map(([name, value]) => {
    const lower = name.toLowerCase();
    if (lower === 'warc-target-uri' || lower === 'warc-refers-to-target-uri')
      return `${name}: ${value.replace(/^(https?:\/\/)/i, `$1c${copy}.`)}`;
    if (lower === 'warc-record-id') return `${name}: ${value.replace(/>$/, `-${copy}>`)}`;
    return `${name}: ${value}`;
  });
  return Buffer.concat([
    Buffer.from(`WARC/1.0\r\n${lines.join('\r\n')}\r\n\r\n`),
    record.block,
    Buffer.from('\r\n\r\n'),
  ]);
}

async function makeArchive(path: string, bytes: number): Promise<void> {
  const records = await templateRecords();
  const out = createWriteStream(`${path}.tmp`);
  let written = 0;
  for (let copy = 0; written < bytes; copy++) {
    for (const record of records) {
      const member = gzipSync(renamed(record, copy));
      written += member.length;
      if (!out.write(member)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    if (copy % 50 === 0) process.stderr.write(`\rwriting the archive: ${(written / 1e6).toFixed(0)} MB`);
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  renameSync(`${path}.tmp`, path);
  process.stderr.write('\n');
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--gigabytes');
  const gigabytes = at > 0 ? Number(process.argv[at + 1]) : 1;
  mkdirSync(WORK, { recursive: true });
  const archive = join(WORK, `real-records-${gigabytes}g.warc.gz`);
  if (!existsSync(archive)) await makeArchive(archive, gigabytes * 1024 ** 3);
  const inputMB = statSync(archive).size / 1e6;
  const results = [];
  for (const compression of ['compact', 'deflate']) {
    const output = join(WORK, `packed-${compression}.ferry`);
    const cost = measureCommand('node', [
      CLI,
      'pack',
      '--kind',
      'warc',
      archive,
      '-o',
      output,
      '--compression',
      compression,
      '--name',
      'bench',
    ]);
    const summary = (/packed .*/.exec(cost.stderr)?.[0] ?? '').replace(REPO, '');
    const result = {
      compression,
      inputMB: Math.round(inputMB),
      seconds: cost.seconds,
      mbPerSecond: Number((inputMB / cost.seconds).toFixed(1)),
      peakRssMB: Math.round(cost.peakRssMB),
      bundleMB: Math.round(statSync(output).size / 1e6),
      summary,
    };
    results.push(result);
    console.log(
      `${compression.padEnd(8)} ${result.inputMB} MB in ${result.seconds.toFixed(1)} s: ${result.mbPerSecond} MB/s, ` +
        `peak RSS ${result.peakRssMB} MB, bundle ${result.bundleMB} MB\n  ${summary}`,
    );
    rmSync(output, { force: true });
  }
  const file = join(REPO, 'bench/results', `${new Date().toISOString().slice(0, 10)}-warc.json`);
  writeFileSync(
    file,
    JSON.stringify(
      { archive: { MB: Math.round(inputMB), made: 'test/fixtures/warc records, hosts renamed per copy' }, results },
      null,
      2,
    ) + '\n',
  );
  console.log(`results: ${file.slice(REPO.length)}`);
}

await main();
