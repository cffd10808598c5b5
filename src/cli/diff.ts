import type { Command } from 'commander';
import { formatBytes } from '../format.js';
import type { CliIO } from './io.js';

const MARKS = { added: '+', removed: '-', changed: '~' } as const;

export function registerDiff(program: Command, io: CliIO): void {
  program
    .command('diff')
    .description('list the entries added, removed and changed between two bundles')
    .argument('<old>', 'the older bundle (or its first part)')
    .argument('<new>', 'the newer bundle (or its first part)')
    .option('--json', 'print one JSON object per change, then the summary')
    .option('--summary', 'print only the summary line')
    .addHelpText(
      'after',
      '\nEach change is a line: "+ name" added, "- name" removed, "~ name" changed (different content,\n' +
        'media type or redirect target). The summary says how many bytes an update would fetch.',
    )
    .action(async (oldPath: string, newPath: string, flags: { json?: boolean; summary?: boolean }) => {
      const { Bundle } = await import('../bundle/reader.js');
      const { diffBundles } = await import('../distribute/diff.js');
      const older = await Bundle.open(oldPath);
      try {
        const newer = await Bundle.open(newPath);
        try {
          const changes = diffBundles(older, newer);
          let next = await changes.next();
          while (!next.done) {
            const change = next.value;
            if (flags.json) io.stdout.write(JSON.stringify(change) + '\n');
            else if (!flags.summary) io.stdout.write(`${MARKS[change.change]} ${change.name}\n`);
            next = await changes.next();
          }
          const summary = next.value;
          if (flags.json) io.stdout.write(JSON.stringify({ summary }) + '\n');
          else {
            io.stdout.write(
              `${summary.added} added, ${summary.removed} removed, ${summary.changed} changed, ${summary.unchanged} unchanged; ` +
                `${formatBytes(summary.changedBytes)} of entries to fetch\n`,
            );
          }
        } finally {
          await newer.close();
        }
      } finally {
        await older.close();
      }
    });
}
