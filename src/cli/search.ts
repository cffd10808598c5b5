import type { Command } from 'commander';
import { FerryError } from '../errors.js';
import type { CliIO } from './io.js';

function count(value: string, name: string): number {
  if (!/^\d+$/.test(value)) throw new FerryError('USAGE', `${name} "${value}" is not a whole number.`);
  return Number(value);
}

export function registerSearch(program: Command, io: CliIO): void {
  program
    .command('search')
    .description('full-text search in a bundle, or in every bundle of a folder')
    .argument('<file>', 'a .ferry bundle, or a folder of them')
    .argument('<words...>', 'what to look for')
    .option('--json', 'print JSON')
    .option('--limit <n>', 'how many results', '10')
    .option('--offset <n>', 'skip this many results first', '0')
    .action(async (file: string, words: string[], flags: { json?: boolean; limit: string; offset: string }) => {
      const { searchAll } = await import('../search/searcher.js');
      const { Library } = await import('../server/library.js');
      const library = await Library.open([file], { onWarning: (message) => io.stderr.write(`warning: ${message}\n`) });
      try {
        const items = await Promise.all(library.list().map((item) => library.hold(item)));
        const searchers = await Promise.all(items.map((item) => item.searcher()));
        const results = await searchAll(searchers, words.join(' '), {
          limit: count(flags.limit, '--limit'),
          offset: count(flags.offset, '--offset'),
        });
        if (flags.json) {
          io.stdout.write(JSON.stringify(results, null, 2) + '\n');
          return;
        }
        if (results.total === 0) {
          io.stdout.write(`No results for "${results.query}".\n`);
          return;
        }
        const lines = results.hits.map((hit, i) => {
          const page = hit.section === undefined ? hit.path : `${hit.path}#${hit.section}`;
          const where = searchers.length > 1 ? `${hit.bundle}:${page}` : page;
          return `${results.offset + i + 1}. ${hit.title}\n   ${where}  (score ${hit.score})\n   ${hit.snippet.text}`;
        });
        io.stdout.write(`${lines.join('\n')}\n${results.hits.length} of ${results.total} results\n`);
      } finally {
        await library.close();
      }
    });
}
