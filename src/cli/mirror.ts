import type { Command } from 'commander';
import { FerryError } from '../errors.js';
import { formatBytes, parseSize } from '../format.js';
import type { CliIO } from './io.js';
import { progressLine } from './progress.js';
import { countryOf } from './country.js';

/** Where to mirror from and into: the last place is the folder; --lan adds the libraries found. */
async function sourcesAndFolder(
  places: string[],
  flags: { lan?: boolean; lanInterface?: string },
  io: CliIO,
): Promise<{ sources: string[]; folder: string } | undefined> {
  const given = places.slice(0, -1);
  const folder = places[places.length - 1];
  if (folder && /^[a-z][a-z0-9+.-]*:\/\//i.test(folder)) {
    throw new FerryError(
      'USAGE',
      `The last argument is the folder to copy into, and "${folder}" is a URL. Add the folder.`,
    );
  }
  if (!flags.lan) {
    if (given.length === 0 || !folder)
      throw new FerryError(
        'USAGE',
        'Give one or more libraries to copy from, then the folder: ferry mirror URL... FOLDER',
      );
    return { sources: given, folder };
  }
  const { findLibraries } = await import('../distribute/lan-browse.js');
  const found = await findLibraries({ interface: flags.lanInterface });
  if (found.length === 0 && given.length === 0) {
    throw new FerryError(
      'INPUT_MISSING',
      'No ferry library answered on the local network. Is "ferry serve --announce" running on it, and does this network let multicast through?',
    );
  }
  if (!folder) {
    io.stdout.write(
      found
        .map(
          (library) =>
            `${library.url}  ${library.name}${library.bundles === undefined ? '' : ` (${library.bundles} bundles)`}\n`,
        )
        .join(''),
    );
    return undefined;
  }
  io.stderr.write(`found on the local network: ${found.map((library) => library.url).join(', ') || 'none'}\n`);
  return { sources: [...given, ...found.map((library) => library.url)], folder };
}

export function registerMirror(program: Command, io: CliIO): void {
  program
    .command('mirror')
    .description(
      'copy the bundles of other libraries into a folder: from several at once, resumable, verified, safe to run from cron',
    )
    .argument(
      '[places...]',
      "the libraries to copy from (ferry servers, HTTP folders that list .ferry files, or a bundle's .meta4), then the folder (made if missing)",
    )
    .option('--lang <codes>', 'only bundles in these languages (ISO 639-3, comma-separated), such as eng,fra')
    .option('--tag <tag>', 'only bundles with this tag')
    .option('--max-size <size>', 'only bundles up to this size, such as 2G')
    .option(
      '--lan',
      'find ferry libraries on the local network (ferry serve --announce): list them, or with a folder copy from them',
    )
    .option('--lan-interface <address>', 'with --lan, look only on the network interface with this IPv4 address')
    .option(
      '--country <code>',
      "where this machine is (ISO 3166-1 alpha-2, such as ke): a Metalink's mirrors there are asked first",
    )
    .option('--prefer-lan', 'fetch from sources on the local network first, the others only if none of those is left')
    .addHelpText(
      'after',
      '\nBundles already current are left alone; an interrupted download resumes on the next run; each file\n' +
        'is checked (SHA-256 when published, every entry, the catalog digest) before it replaces anything.\n' +
        'A bundle published with a Metalink (ferry publish) is fetched in pieces from every library that has it\n' +
        'and every mirror its .meta4 names, each piece checked: a source that sends wrong bytes is dropped, a slow\n' +
        'one gets fewer pieces. The .meta4 is kept beside the copy, so this library offers it in turn.\n' +
        'Exits 1 if any bundle failed, after trying all of them.\n\nExamples:\n' +
        '  ferry mirror http://library.example.org:8080 /srv/ferry --lang eng,swa --max-size 4G   (cron)\n' +
        '  ferry mirror http://10.0.0.5:8080 http://mirror.example.org/ferry/ /srv/ferry --prefer-lan\n' +
        '  ferry mirror --lan                 (list the libraries on this network)\n' +
        '  ferry mirror --lan /srv/ferry      (copy from them)',
    )
    .action(
      async (
        places: string[],
        flags: {
          lang?: string;
          tag?: string;
          maxSize?: string;
          lan?: boolean;
          lanInterface?: string;
          preferLan?: boolean;
          country?: string;
        },
      ) => {
        const country = countryOf(flags.country);
        const where = await sourcesAndFolder(places, flags, io);
        if (!where) return;
        const { sources, folder } = where;
        const { mirrorLibrary } = await import('../distribute/mirror.js');
        const progress = progressLine(io, 'downloading');
        const summary = await mirrorLibrary(sources, folder, {
          languages: flags.lang
            ?.split(',')
            .map((code) => code.trim())
            .filter(Boolean),
          tag: flags.tag,
          maxSize: flags.maxSize === undefined ? undefined : parseSize(flags.maxSize, '--max-size'),
          preferLan: flags.preferLan,
          country,
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
        const dropped = summary.dropped
          .map((each) => `\n  dropped ${each.url} (${each.name}): ${each.reason}`)
          .join('');
        io.stderr.write(
          `mirrored ${sources.join(', ')} into ${folder}: ${summary.downloaded.length} downloaded (${formatBytes(summary.bytes)}), ` +
            `${summary.current.length} up to date, ${summary.filtered.length} not wanted, ${summary.failed.length} failed${dropped}\n`,
        );
        if (summary.failed.length > 0) {
          throw new FerryError(
            'INPUT_INVALID',
            `${summary.failed.map((item) => `${item.name}: ${item.reason}`).join('; ')}`,
          );
        }
      },
    );
}
