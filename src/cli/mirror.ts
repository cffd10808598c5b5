import type { Command } from 'commander';
import { FerryError } from '../errors.js';
import { formatBytes, parseSize } from '../format.js';
import type { CliIO } from './io.js';
import { progressLine } from './progress.js';

export function registerMirror(program: Command, io: CliIO): void {
  program
    .command('mirror')
    .description('copy the bundles of another library into a folder: resumable, verified, safe to run from cron')
    .argument('<url>', 'a ferry server (its address), or an HTTP folder that lists .ferry files')
    .argument('<folder>', 'where the bundles go (made if missing)')
    .option('--lang <codes>', 'only bundles in these languages (ISO 639-3, comma-separated), such as eng,fra')
    .option('--tag <tag>', 'only bundles with this tag')
    .option('--max-size <size>', 'only bundles up to this size, such as 2G')
    .addHelpText(
      'after',
      '\nBundles already current are left alone; an interrupted download resumes on the next run; each file\n' +
        'is checked (SHA-256 when published, every entry, the catalog digest) before it replaces anything.\n' +
        'Exits 1 if any bundle failed, after trying all of them.\n\nExample (cron):\n  ferry mirror http://library.example.org:8080 /srv/ferry --lang eng,swa --max-size 4G',
    )
    .action(async (url: string, folder: string, flags: { lang?: string; tag?: string; maxSize?: string }) => {
      const { mirrorLibrary } = await import('../distribute/mirror.js');
      const progress = progressLine(io, 'downloading');
      const summary = await mirrorLibrary(url, folder, {
        languages: flags.lang
          ?.split(',')
          .map((code) => code.trim())
          .filter(Boolean),
        tag: flags.tag,
        maxSize: flags.maxSize === undefined ? undefined : parseSize(flags.maxSize, '--max-size'),
        onProgress: (name, bytes, total) =>
          progress.update({
            stage: `downloading ${name}`,
            unit: 'files',
            files: 0,
            totalFiles: 1,
            bytes,
            totalBytes: total,
          }),
        onLine: (line) => {
          progress.clear();
          io.stderr.write(`${line}\n`);
        },
      }).finally(() => progress.clear());
      io.stderr.write(
        `mirrored ${url} into ${folder}: ${summary.downloaded.length} downloaded (${formatBytes(summary.bytes)}), ` +
          `${summary.current.length} up to date, ${summary.filtered.length} not wanted, ${summary.failed.length} failed\n`,
      );
      if (summary.failed.length > 0) {
        throw new FerryError(
          'INPUT_INVALID',
          `${summary.failed.map((item) => `${item.name}: ${item.reason}`).join('; ')}`,
        );
      }
    });
}
