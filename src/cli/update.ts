import type { Command } from 'commander';
import { formatBytes } from '../format.js';
import type { CliIO } from './io.js';
import { sourcesReport } from './sources-report.js';
import { countryOf } from './country.js';

export function registerUpdate(program: Command, io: CliIO): void {
  program
    .command('update')
    .description('bring a bundle up to a newer one on a server, fetching only the entries that changed')
    .argument('<bundle>', 'the .ferry file to update in place')
    .argument(
      '<urls...>',
      "the newer bundle: a ferry server's /download/NAME, any HTTP URL of the file, several mirrors of it, or its .meta4",
    )
    .option('--prefer-lan', 'fetch from sources on the local network first, the others only if none of those is left')
    .addHelpText(
      'after',
      '\nThe new file is rebuilt beside the old one, verified (every entry, and its SHA-256 when published)\n' +
        'and only then put in its place. A server without Range requests gets a whole download.\n' +
        'With a Metalink (a .meta4 given, or NAME.meta4 published beside the first URL) the changed parts are\n' +
        'fetched in pieces from every mirror at once, each piece checked; a mirror that sends wrong bytes is dropped.',
    )
    .option(
      '--country <code>',
      "where this machine is (ISO 3166-1 alpha-2, such as ke): a Metalink's mirrors there are asked first",
    )
    .action(async (bundle: string, urls: string[], flags: { preferLan?: boolean; country?: string }) => {
      const { updateBundle } = await import('../distribute/update.js');
      const url = urls[0]!;
      const result = await updateBundle(bundle, urls, {
        preferLan: flags.preferLan,
        country: countryOf(flags.country),
      });
      const share = result.size > 0 ? ((result.fetched / result.size) * 100).toFixed(1) : '0';
      io.stderr.write(
        result.mode === 'current'
          ? `${bundle} is already the same as ${url} (${formatBytes(result.fetched)} fetched to check)\n`
          : `updated ${bundle} (${result.mode === 'full' ? 'whole download: the server has no Range requests' : 'changed entries only'}): ` +
              `${formatBytes(result.fetched)} fetched of ${formatBytes(result.size)} (${share}%), ` +
              `${formatBytes(result.reused)} reused, ${result.seconds.toFixed(1)} s\n`,
      );
      io.stderr.write(sourcesReport(result.sources));
      if (result.hint) io.stderr.write(`note: ${result.hint}.\n`);
    });
}
