import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One line of the comparison: the same measure for both tools, and which way is better. */
export interface Row {
  measure: string;
  unit: string;
  ferry: number | null;
  kiwix: number | null;
  better: 'lower' | 'higher';
  note?: string;
}

export interface BenchResult {
  date: string;
  corpus: { id: string; debianPackage: string; pages: number; files: number; bytes: number };
  machine: { cpus: number; memoryGB: number; node: string };
  tools: Record<string, string>;
  settings: { loadSeconds: number; connections: number; threads: number; queries: number; seed: number };
  /** How the run was made, when it is not the corpus benchmark's load and quality runs. */
  method?: string;
  rows: Row[];
}

function format(value: number | null): string {
  if (value === null || Number.isNaN(value)) return 'n/a';
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(value === Math.round(value) ? 0 : 2);
}

export function ratio(row: Row): string {
  if (row.ferry === null || row.kiwix === null || row.kiwix === 0 || Number.isNaN(row.ferry) || Number.isNaN(row.kiwix))
    return 'n/a';
  const value = row.ferry / row.kiwix;
  const good = row.better === 'lower' ? value <= 1 : value >= 1;
  return `${value.toFixed(2)}${good ? '' : ' ✗'}`;
}

export function markdownTable(result: BenchResult): string {
  const { corpus, machine, settings } = result;
  const lines = [
    `### ${corpus.id} (${corpus.pages} pages, ${corpus.files} files, ${(corpus.bytes / 1e6).toFixed(1)} MB), ${result.date}`,
    '',
    `${machine.cpus} cores, ${machine.memoryGB} GB, Node ${machine.node}; zim-tools ${result.tools['zim-tools']}, kiwix-tools ${result.tools['kiwix-tools']}. ` +
      (result.method ??
        `Loads: wrk, ${settings.threads} threads, ${settings.connections} connections, ${settings.loadSeconds} s each, on 127.0.0.1. ` +
          `Quality: ${settings.queries} API names from objects.inv, seed ${settings.seed}.`),
    '',
    '| measure | ferry | Kiwix | ferry/Kiwix | better |',
    '| --- | ---: | ---: | ---: | --- |',
    ...result.rows.map(
      (row) =>
        `| ${row.measure}${row.unit ? ` (${row.unit})` : ''} | ${format(row.ferry)} | ${format(row.kiwix)}${row.note ? ` ${row.note}` : ''} | ${ratio(row)} | ${row.better} |`,
    ),
    '',
    '✗ marks a line where ferry is behind Kiwix.',
  ];
  return lines.join('\n');
}

/** BENCHMARKS.md below this line holds other benchmarks' tables, which `npm run bench` keeps. */
export const OTHER_BENCHMARKS = '<!-- Below: other benchmarks, kept when npm run bench rewrites the tables above. -->';

/** Saves the run as JSON and rewrites BENCHMARKS.md from the latest run of every corpus. */
export function saveResult(result: BenchResult, repo: string): string {
  const folder = join(repo, 'bench/results');
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${result.date}-${result.corpus.id}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  const latest = new Map<string, BenchResult>();
  for (const name of readdirSync(folder)
    .filter((entry) => entry.endsWith('.json'))
    .sort()) {
    const saved = JSON.parse(readFileSync(join(folder, name), 'utf8')) as Partial<BenchResult>;
    // The folder also holds other benchmarks' results (open-scale, zip64): only corpus runs count.
    if (saved.corpus && saved.rows) latest.set(saved.corpus.id, saved as BenchResult);
  }
  const sections = [...latest.values()].map(markdownTable);
  const path = join(repo, 'BENCHMARKS.md');
  // What other benchmarks wrote below the marker stays.
  const kept = existsSync(path) ? readFileSync(path, 'utf8').split(OTHER_BENCHMARKS)[1] : undefined;
  writeFileSync(
    path,
    `# Benchmarks: ferry beside Kiwix\n\nMade by \`npm run bench\`; every figure comes from one run on the same input, ` +
      `with raw numbers in \`bench/results/\`. Ratios are ferry/Kiwix.\n\n${sections.join('\n\n')}\n` +
      (kept === undefined ? '' : `\n${OTHER_BENCHMARKS}${kept}`),
  );
  return file;
}
