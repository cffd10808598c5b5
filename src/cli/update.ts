import type { Command } from 'commander';
import { formatBytes } from '../format.js';
import type { CliIO } from './io.js';

export function registerUpdate(program: Command, io: CliIO): void {
  program
    .command('update')
    .description('bring a bundle up to a newer one on a server, fetching only the entries that changed')
    .argument('<bundle>', 'the .ferry file to update in place')
    .argument('<url>', "the newer bundle: a ferry server's /download/NAME or any HTTP URL of the file")
    .addHelpText(
      'after',
      '\nThe new file is rebuilt beside the old one, verified (every entry, and NAME.sha256 when the server\n' +
        'has it) and only then put in its place. A server without Range requests gets a whole download.',
    )
    .action(async (bundle: string, url: string) => {
      const { updateBundle } = await import('../distribute/update.js');
      const result = await updateBundle(bundle, url);
      const share = result.size > 0 ? ((result.fetched / result.size) * 100).toFixed(1) : '0';
      io.stderr.write(
        result.mode === 'current'
          ? `${bundle} is already the same as ${url} (${formatBytes(result.fetched)} fetched to check)\n`
          : `updated ${bundle} (${result.mode === 'full' ? 'whole download: the server has no Range requests' : 'changed entries only'}): ` +
              `${formatBytes(result.fetched)} fetched of ${formatBytes(result.size)} (${share}%), ` +
              `${formatBytes(result.reused)} reused, ${result.seconds.toFixed(1)} s\n`,
      );
      if (result.hint) io.stderr.write(`note: ${result.hint}.\n`);
    });
}
