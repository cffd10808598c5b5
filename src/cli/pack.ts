import type { Command } from 'commander';
import { templateReport } from './template-report.js';
import { TEXT_METADATA_FIELDS, type Compression } from '../bundle/manifest.js';
import { removeUnfinishedFiles } from '../bundle/temp-files.js';
import type { MetadataInput } from '../pack/metadata.js';
import { FerryError } from '../errors.js';
import { formatBytes, parseSize } from '../format.js';
import type { CliIO } from './io.js';
import { progressLine } from './progress.js';
import { warcDetail } from './warc-report.js';

interface PackFlags extends MetadataInput {
  output: string;
  main?: string;
  baseUrl?: string;
  illustration?: string;
  metadata?: string;
  kind: string;
  lang?: string;
  author?: string;
  subject?: string;
  bookshelf?: string;
  ids?: string;
  formats: string;
  budget?: string;
  catalog?: string;
  namespaces?: string;
  partial?: boolean;
  threads?: string;
  bzip2: string;
  compression: string;
  base?: string;
  at?: string;
}

const KINDS = ['site', 'gutenberg', 'mediawiki', 'warc'];

/** --at: a date, or a date and time as WARC-Date writes it; without a zone, UTC, as in WARC files. */
function parseAt(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const written = text.trim().replace(' ', 'T');
  const form = /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/.exec(written);
  const zoned = form?.[3] !== undefined && form[6] === undefined ? `${written}Z` : written;
  const ms = form ? Date.parse(zoned) : NaN;
  if (Number.isNaN(ms))
    throw new FerryError('USAGE', `--at "${text}" is not a date such as 2024-03-25 or 2024-03-25T12:00:00Z.`);
  return ms;
}

/** The --compression flag of pack and convert. */
export function parseCompression(text: string): Compression {
  if (text !== 'compact' && text !== 'deflate') {
    throw new FerryError('USAGE', `--compression "${text}" is not compact or deflate.`);
  }
  return text;
}

export const COMPRESSION_HELP =
  'compact (zstd with a dictionary: smallest, read by ferry) or deflate (larger, opened by any unzip tool)';

function parseNamespaces(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const numbers = text.split(',').map((item) => item.trim());
  const bad = numbers.filter((item) => !/^\d+$/.test(item));
  if (bad.length > 0)
    throw new FerryError('USAGE', `--namespaces: "${bad.join(', ')}" is not a namespace number, such as 4 or 12.`);
  return numbers.map(Number);
}

function parseThreads(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 256) {
    throw new FerryError('USAGE', `--threads "${text}" is not a number of threads from 1 to 256.`);
  }
  return Number(text);
}

function sourceDateEpoch(io: CliIO): number | undefined {
  const value = io.env.SOURCE_DATE_EPOCH;
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value))
    throw new FerryError('USAGE', `SOURCE_DATE_EPOCH="${value}" is not a number of seconds since 1970.`);
  return Number(value);
}

async function selectionOf(flags: PackFlags) {
  const { FORMATS, parseIds } = await import('../sources/gutenberg/select.js');
  const formats = flags.formats.split(',').map((format) => format.trim().toLowerCase());
  const unknown = formats.filter((format) => !(FORMATS as readonly string[]).includes(format));
  if (unknown.length > 0) {
    throw new FerryError('USAGE', `--formats: "${unknown.join(', ')}" is not html, epub, txt or kindle.`);
  }
  const list = (text: string | undefined) =>
    text
      ?.split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  return {
    languages: list(flags.lang),
    author: flags.author,
    subject: flags.subject,
    bookshelf: flags.bookshelf,
    ids: flags.ids === undefined ? undefined : parseIds(flags.ids),
    formats: formats as (typeof FORMATS)[number][],
    budgetBytes: flags.budget === undefined ? undefined : parseSize(flags.budget, '--budget'),
  };
}

export function registerPack(program: Command, io: CliIO): void {
  program
    .command('pack')
    .description(
      'pack a mirrored website folder, a Project Gutenberg mirror, a MediaWiki dump or web archives into one bundle file',
    )
    .argument(
      '<source...>',
      'the folder of the site (a wget --mirror or HTTrack copy, Sphinx output, any HTML folder), the mirror, the dump file, or (warc) WARC and WACZ files and folders of them',
    )
    .requiredOption('-o, --output <file>', 'the bundle to write, such as site.ferry')
    .option(
      '--kind <kind>',
      'the kind of source: site, gutenberg (a Project Gutenberg mirror), mediawiki (an XML dump, .xml, .bz2 or .gz, or a Wikimedia Enterprise HTML dump, .tar.gz) or warc (web archives: .warc, .warc.gz, .wacz)',
      'site',
    )
    .option(
      '--main <path>',
      "the page to open first (default: index.html at the top; mediawiki: the wiki's main page; warc: a URL, default the crawl's first page)",
    )
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
    .option('--compression <mode>', COMPRESSION_HELP, 'compact')
    .option(
      '--base <bundle>',
      'the previous edition of this bundle: its compression dictionary and search shards are reused where pages did not change, so `ferry update` fetches little',
    )
    .option('--catalog <file>', "gutenberg: the catalog as rdf-files.tar.bz2 (default: the mirror's records)")
    .option('--lang <codes>', 'gutenberg: books in these catalog languages only, such as en,fr')
    .option('--author <words>', 'gutenberg: books by an author whose name has these words')
    .option('--subject <words>', 'gutenberg: books with a subject that has these words')
    .option('--bookshelf <words>', 'gutenberg: books on a bookshelf that has these words')
    .option('--ids <list>', 'gutenberg: book numbers and ranges, such as 11,84,1000-1010')
    .option('--formats <list>', 'gutenberg: editions to carry (html, epub, txt, kindle)', 'html,epub,txt')
    .option('--budget <size>', 'gutenberg: at most this much of editions, most downloaded books first, such as 2G')
    .option('--namespaces <list>', 'mediawiki: namespace numbers to carry besides articles, such as 4,12')
    .option(
      '--partial',
      'mediawiki, warc: when the dump or archive is cut short or damaged, pack what is whole before the damage (default: fail)',
    )
    .option(
      '--at <date>',
      'warc: of a URL captured more than once, keep the capture nearest this date (default: the latest)',
    )
    .option('--threads <n>', 'mediawiki: worker threads that render pages (default: one per core)')
    .option(
      '--bzip2 <how>',
      'mediawiki: auto (lbzip2 or bzip2 when installed) or javascript (built in, slower)',
      'auto',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  ferry pack mirror/docs.python.org -o python.ferry --language eng --base-url https://docs.python.org/3/\n' +
        '  ferry pack --kind gutenberg gutenberg-mirror/ -o books-fr.ferry --lang fr --formats html,epub --budget 2G --language fra\n' +
        '  ferry pack --kind mediawiki enwikivoyage-latest-pages-articles.xml.bz2 -o wikivoyage_en.ferry\n' +
        '  ferry pack --kind warc crawl.warc.gz more-crawls/ -o site.ferry --main https://example.org/',
    )
    .action(async (sources: string[], flags: PackFlags) => {
      if (!KINDS.includes(flags.kind)) {
        throw new FerryError('USAGE', `--kind "${flags.kind}" is not known; give site, gutenberg, mediawiki or warc.`);
      }
      if (sources.length > 1 && flags.kind !== 'warc') {
        throw new FerryError('USAGE', `--kind ${flags.kind} packs one source; ${sources.length} were given.`);
      }
      const folder = sources[0]!;
      if (flags.bzip2 !== 'auto' && flags.bzip2 !== 'javascript') {
        throw new FerryError('USAGE', `--bzip2 "${flags.bzip2}" is not auto or javascript.`);
      }
      // Loaded here so that other commands start without the packer's modules.
      const { packSite } = await import('../pack/pack-site.js');
      const { packGutenberg } = await import('../pack/pack-gutenberg.js');
      const { packMediawiki } = await import('../pack/pack-mediawiki.js');
      const { packWarc } = await import('../pack/pack-warc.js');
      const { readMetadataFile } = await import('../pack/metadata.js');
      const fromFile = flags.metadata ? await readMetadataFile(flags.metadata) : {};
      const metadata: MetadataInput = { ...fromFile };
      for (const key of [...TEXT_METADATA_FIELDS, 'tags'] as const) {
        if (flags[key] !== undefined) metadata[key] = flags[key] as string;
      }
      const progress = progressLine(io, 'packing');
      const common = {
        output: flags.output,
        metadata,
        illustration: flags.illustration,
        compression: parseCompression(flags.compression),
        base: flags.base,
        sourceDateEpoch: sourceDateEpoch(io),
        onProgress: (state: Parameters<typeof progress.update>[0]) => progress.update(state),
        onWarning: (message: string) => {
          progress.clear();
          io.stderr.write(`warning: ${message}\n`);
        },
      };
      let detail = '';
      let templates = '';
      // Ctrl-C: the target is untouched anyway; remove the half-written bundle and sort files too.
      const interrupted = () => {
        removeUnfinishedFiles();
        progress.clear();
        io.stderr.write('\nInterrupted: nothing was written, and the temporary files are removed.\n');
        process.exit(130);
      };
      process.once('SIGINT', interrupted);
      process.once('SIGTERM', interrupted);
      const summary = await (
        flags.kind === 'gutenberg'
          ? packGutenberg({ ...common, mirror: folder, catalog: flags.catalog, selection: await selectionOf(flags) })
          : flags.kind === 'mediawiki'
            ? packMediawiki({
                ...common,
                dump: folder,
                mainPage: flags.main,
                namespaces: parseNamespaces(flags.namespaces),
                partial: flags.partial,
                threads: parseThreads(flags.threads),
                bzip2: flags.bzip2 as 'auto' | 'javascript',
              }).then((result) => {
                detail = `; ${result.articles} articles, ${result.categories} categories`;
                templates = templateReport(result);
                return result;
              })
            : flags.kind === 'warc'
              ? packWarc({
                  ...common,
                  sources,
                  mainUrl: flags.main,
                  at: parseAt(flags.at),
                  partial: flags.partial,
                }).then((result) => {
                  detail = warcDetail(result);
                  return result;
                })
              : packSite({ ...common, folder, mainPage: flags.main, baseUrl: flags.baseUrl })
      ).finally(() => {
        process.off('SIGINT', interrupted);
        process.off('SIGTERM', interrupted);
        progress.clear();
      });
      const skippedCount = summary.skippedCount ?? summary.skipped.length;
      io.stderr.write(
        `packed ${summary.name}: ${summary.pages} pages, ${summary.assets} assets, ${summary.redirects} redirects; ` +
          `${formatBytes(summary.bytesIn)} in, ${formatBytes(summary.bytesOut)} out; ${summary.seconds.toFixed(1)} s` +
          detail +
          `${skippedCount ? `; ${skippedCount} skipped` : ''} -> ${summary.output}\n` +
          templates,
      );
    });
}
