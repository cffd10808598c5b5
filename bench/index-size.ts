/**
 * `npm run bench:index-size`: how many bytes each corpus of bench:quality spends on its search
 * index, in ferry's bundle and in Kiwix's ZIM, from the bundles and HTML that bench:quality left
 * in bench/work/quality. Xapian's full-text index is measured as the ZIM's size less that of a ZIM
 * of the same HTML packed without it (`zimwriterfs --withoutFTIndex`). With `--before <folder>`,
 * bundles of the same names there (an older format) are set beside. Results go to
 * bench/results/<date>-index-size.json.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EntryKind } from '../src/bundle/path-index.js';
import { Bundle } from '../src/bundle/reader.js';
import { packZim } from './kiwix.js';
import { qualityCorpora } from './quality-corpora.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const OUT = join(REPO, 'bench/work/quality');

export interface IndexSize {
  bundle: number;
  /** Shards and `search/shards`: the full-text index. */
  search: number;
  shards: number;
  titles: number;
}

export async function indexSize(path: string): Promise<IndexSize> {
  const bundle = await Bundle.open(path);
  const size: IndexSize = { bundle: statSync(path).size, search: 0, shards: 0, titles: 0 };
  try {
    for await (const record of bundle.records()) {
      if (record.kind === EntryKind.Redirect || !record.name.startsWith('search/')) continue;
      const bytes = record.locator.compressedSize;
      if (record.name === 'search/titles') size.titles += bytes;
      else {
        size.search += bytes;
        if (record.name.startsWith('search/shard-')) size.shards++;
      }
    }
  } finally {
    await bundle.close();
  }
  return size;
}

/** Bytes of Xapian's full-text index in the ZIM bench:quality made of this corpus. */
function xapianBytes(id: string, language: string, mainPage: string): number | undefined {
  const zim = join(OUT, `${id}.zim`);
  const html = join(OUT, `${id}-html`, 'content');
  if (!existsSync(zim) || !existsSync(html)) return undefined;
  const bare = join(OUT, `${id}-without-fulltext.zim`);
  const metadata = { name: id, language, welcome: mainPage, illustration: 'illustration-48.png' };
  packZim(html, bare, { ...metadata, description: 'quality benchmark', creator: 'various' }, { fullText: false });
  return statSync(zim).size - statSync(bare).size;
}

async function main(args: string[]): Promise<void> {
  const at = args.indexOf('--before');
  const before = at >= 0 ? args[at + 1] : undefined;
  const rows = [];
  const kb = (bytes: number | undefined) => (bytes === undefined ? 'n/a' : `${Math.round(bytes / 1000)} KB`);
  const lines = [
    `| corpus | ferry index | of the bundle | shards | Xapian in the ZIM | ferry/Xapian${before ? ' | index in --before | new/old' : ''} |`,
    `| --- | ---: | ---: | ---: | ---: | ---: |${before ? ' ---: | ---: |' : ''}`,
  ];
  for (const corpus of qualityCorpora(REPO)) {
    const path = join(OUT, `${corpus.id}.ferry`);
    if (!existsSync(path)) continue;
    const size = await indexSize(path);
    const bundle = await Bundle.open(path);
    const mainPage = bundle.manifest.mainPage;
    await bundle.close();
    const xapian = xapianBytes(corpus.id, corpus.language, mainPage);
    const old =
      before && existsSync(join(before, basename(path))) ? await indexSize(join(before, basename(path))) : undefined;
    rows.push({ corpus: corpus.id, ...size, xapian, before: old?.search });
    const ratio = xapian ? (size.search / xapian).toFixed(2) : 'n/a';
    const share = `${Math.round((100 * size.search) / size.bundle)}%`;
    const oldColumns = before ? ` | ${kb(old?.search)} | ${old ? (size.search / old.search).toFixed(2) : 'n/a'}` : '';
    lines.push(
      `| ${corpus.id} | ${kb(size.search)} | ${share} | ${size.shards} | ${kb(xapian)} | ${ratio}${oldColumns} |`,
    );
  }
  const date = new Date().toISOString().slice(0, 10);
  mkdirSync(join(REPO, 'bench/results'), { recursive: true });
  const file = join(REPO, 'bench/results', `${date}-index-size.json`);
  writeFileSync(file, JSON.stringify({ date, rows, table: lines.join('\n') }, null, 2) + '\n');
  process.stdout.write(lines.join('\n') + `\n\nsaved ${file}\n`);
}

if (process.argv[1]?.endsWith('index-size.js')) await main(process.argv.slice(2));
