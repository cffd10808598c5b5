import type { Command } from 'commander';
import { TEXT_METADATA_FIELDS } from '../bundle/manifest.js';
import type { MetadataInput } from '../pack/metadata.js';
import { FerryError } from '../errors.js';
import { formatBytes } from '../format.js';
import type { CliIO } from './io.js';
import { progressLine } from './progress.js';

interface PackFlags extends MetadataInput {
  output: string;
  main?: string;
  baseUrl?: string;
  illustration?: string;
  metadata?: string;
  kind: string;
}

function sourceDateEpoch(io: CliIO): number | undefined {
  const value = io.env.SOURCE_DATE_EPOCH;
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value))
    throw new FerryError('USAGE', `SOURCE_DATE_EPOCH="${value}" is not a number of seconds since 1970.`);
  return Number(value);
}

export function registerPack(program: Command, io: CliIO): void {
  program
    .command('pack')
    .description('pack a mirrored website folder into one bundle file')
    .argument('<folder>', 'the folder of the site (a wget --mirror or HTTrack copy, Sphinx output, any HTML folder)')
    .requiredOption('-o, --output <file>', 'the bundle to write, such as site.ferry')
    .option('--kind <kind>', 'the kind of source', 'site')
    .option('--main <path>', 'the page to open first (default: index.html at the top)')
    .option('--base-url <url>', "the site's own address: links to it are made relative")
    .option('--metadata <file>', 'a JSON file with any of the metadata below; flags override it')
    .option('--name <name>', 'short identifier used in URLs, such as python_docs_en')
    .option('--title <text>', 'title shown in the library (default: the main page title)')
    .option('--description <text>', 'one-line description')
    .option('--language <codes>', 'ISO 639-3 language code(s), such as eng or fra,eng (default: eng)')
    .option('--creator <text>', 'who made the content')
    .option('--publisher <text>', 'who made this bundle')
    .option('--license <text>', 'licence of the content, such as CC-BY-SA-4.0')
    .option('--source <url>', 'where the content comes from (default: --base-url)')
    .option('--date <yyyy-mm-dd>', 'date of the content (default: newest file, or SOURCE_DATE_EPOCH)')
    .option('--tags <list>', 'comma-separated tags')
    .option('--illustration <png>', '48x48 PNG shown in the library (default: a generated tile)')
    .addHelpText(
      'after',
      '\nExample:\n  ferry pack mirror/docs.python.org -o python.ferry --language eng --base-url https://docs.python.org/3/',
    )
    .action(async (folder: string, flags: PackFlags) => {
      if (flags.kind !== 'site') {
        throw new FerryError('USAGE', `--kind "${flags.kind}" is not supported yet; this ferry packs "site" folders.`);
      }
      // Loaded here so that other commands start without the packer's modules.
      const { packSite } = await import('../pack/pack-site.js');
      const { readMetadataFile } = await import('../pack/metadata.js');
      const fromFile = flags.metadata ? await readMetadataFile(flags.metadata) : {};
      const metadata: MetadataInput = { ...fromFile };
      for (const key of [...TEXT_METADATA_FIELDS, 'tags'] as const) {
        if (flags[key] !== undefined) metadata[key] = flags[key] as string;
      }
      const progress = progressLine(io, 'packing');
      const summary = await packSite({
        folder,
        output: flags.output,
        mainPage: flags.main,
        baseUrl: flags.baseUrl,
        metadata,
        illustration: flags.illustration,
        sourceDateEpoch: sourceDateEpoch(io),
        onProgress: (state) => progress.update(state),
        onWarning: (message) => {
          progress.clear();
          io.stderr.write(`warning: ${message}\n`);
        },
      }).finally(() => progress.clear());
      io.stderr.write(
        `packed ${summary.name}: ${summary.pages} pages, ${summary.assets} assets, ${summary.redirects} redirects; ` +
          `${formatBytes(summary.bytesIn)} in, ${formatBytes(summary.bytesOut)} out; ${summary.seconds.toFixed(1)} s` +
          `${summary.skipped.length ? `; ${summary.skipped.length} skipped` : ''} -> ${summary.output}\n`,
      );
    });
}
