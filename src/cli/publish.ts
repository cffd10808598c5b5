import type { Command } from 'commander';
import { FerryError } from '../errors.js';
import type { Mirror } from '../distribute/publish.js';
import { formatBytes } from '../format.js';
import type { CliIO } from './io.js';

const collect = (value: string, previous: string[]) => [...previous, value];

/** `https://…/` or `ke=https://…/`: a folder URL, with the country it is in when known. */
function parseMirror(text: string, flag: string): Mirror {
  const match = /^(?:([a-z]{2})=)?(https?:\/\/\S+)$/i.exec(text.trim());
  if (!match) {
    throw new FerryError(
      'USAGE',
      `${flag} "${text}" is not an http(s) URL (optionally after a country code: ke=https://…).`,
    );
  }
  return { url: match[2]!, location: match[1]?.toLowerCase() };
}

export function registerPublish(program: Command, io: CliIO): void {
  program
    .command('publish')
    .description('write .sha256, Metalink (.meta4) and .torrent files beside bundles, for mirrors and downloads')
    .argument('<file...>', 'bundles (or split parts) to publish')
    .requiredOption(
      '--base-url <url>',
      'the folder URL the files will be downloaded from (ke=https://… to give its country)',
    )
    .option(
      '--mirror <url>',
      'another folder URL with the same files; repeat for each, most preferred first',
      collect,
      [],
    )
    .option('--tracker <url>', 'a BitTorrent tracker; repeat for each (default: none, web seeds only)', collect, [])
    .addHelpText(
      'after',
      '\nExample:\n  ferry publish library/*.ferry --base-url https://books.example.org/ferry/ --mirror ke=https://mirror.example.ke/ferry/',
    )
    .action(async (files: string[], flags: { baseUrl: string; mirror: string[]; tracker: string[] }) => {
      const { publishFile } = await import('../distribute/publish.js');
      const mirrors = [
        parseMirror(flags.baseUrl, '--base-url'),
        ...flags.mirror.map((url) => parseMirror(url, '--mirror')),
      ];
      for (const tracker of flags.tracker) {
        if (!/^(https?|udp|wss?):\/\/\S+$/i.test(tracker))
          throw new FerryError('USAGE', `--tracker "${tracker}" is not a tracker URL.`);
      }
      for (const file of files) {
        const published = await publishFile(file, { mirrors, trackers: flags.tracker });
        io.stderr.write(
          `published ${file} (${formatBytes(published.hashes.size)}, sha256 ${published.hashes.sha256.slice(0, 16)}…, ` +
            `${published.hashes.sha256Pieces.length} pieces of ${formatBytes(published.hashes.pieceLength)}): ` +
            `.sha256 .meta4 .torrent\n`,
        );
      }
    });
}
