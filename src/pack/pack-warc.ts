import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FerryError } from '../errors.js';
import { languageOfTag } from '../languages.js';
import { readCaptures, WarcDamagedError, type ReadNotes } from '../sources/warc/captures.js';
import { captureMediaType } from '../sources/warc/capture-media-type.js';
import { CaptureChooser, refKey, type ChosenCaptures, type ChosenEntry } from '../sources/warc/choose-captures.js';
import { openWarcInputs, type WarcInput, type WarcInputs } from '../sources/warc/inputs.js';
import { rewriteCapturedLinks } from '../sources/warc/rewrite-captured-links.js';
import { BundleAssembler } from './assembler.js';
import { decodeText, essence } from './charset.js';
import { chooseDictionary } from './choose-dictionary.js';
import { extractPageText, metaDescription } from './html-text.js';
import { isHtml } from './media-type.js';
import { resolveMetadata } from './metadata.js';
import { loadIllustration, pageSearchDocument, type PackOptions, type PackSummary } from './pack-site.js';

export interface PackWarcOptions extends PackOptions {
  /** WARC files (.warc, .warc.gz), WACZ packages, and folders of them. */
  sources: string[];
  /** Keep, of each URL, the capture nearest this time (ms since 1970) instead of the latest. */
  at?: number | undefined;
  /** The URL to open first, instead of the crawl's first seed. */
  mainUrl?: string | undefined;
  /** Pack the whole records of a damaged archive instead of failing. */
  partial?: boolean | undefined;
}

export interface WarcSummary extends PackSummary {
  captures: number;
  /** What was left out: not HTTP(S), not 2xx/3xx, revisits without their payload, redirects to nothing captured, older captures. */
  left: { notHttp: number; notOk: number; unresolvedRevisits: number; deadRedirects: number; olderCaptures: number };
}

interface Pass1 {
  chosen: ChosenCaptures;
  /** The inputs' bytes as stored, for progress and the summary. */
  totalBytes: number;
  notes: ReadNotes;
  captures: number;
  newestMs: number;
  /** The first HTML page captured with a 2xx, the main page when nothing says which. */
  firstPage: string | undefined;
  /** Inputs that are damaged, with how many records before the damage are whole (with --partial). */
  wholeRecords: Map<number, number>;
}

/** Reads an input's captures; with --partial a damaged input ends at its damage (warned once, in the first pass). */
async function* capturesOf(
  input: WarcInput,
  options: Parameters<typeof readCaptures>[1],
  partial: boolean,
  onDamage?: (error: WarcDamagedError) => void,
) {
  try {
    yield* readCaptures(input, options);
  } catch (error) {
    if (!(error instanceof WarcDamagedError) || !partial) throw error;
    onDamage?.(error);
  }
}

/** First pass: which capture of each URL is kept, without decoding a body. */
async function chooseCaptures(
  sources: WarcInputs,
  options: PackWarcOptions,
  warn: (message: string) => void,
): Promise<Pass1> {
  const chooser = new CaptureChooser(options.at);
  const notes: ReadNotes = { skipped: 0, seeds: [], bytesRead: 0 };
  const totalBytes = sources.inputs.reduce((sum, input) => sum + input.size, 0);
  const wholeRecords = new Map<number, number>();
  let before = 0;
  let captures = 0;
  let newestMs = 0;
  let firstPage: string | undefined;
  for (const [number, input] of sources.inputs.entries()) {
    const onDamage = (error: WarcDamagedError) => {
      wholeRecords.set(number, error.wholeRecords);
      warn(`${error.message.split('. Nothing')[0]}; packing the ${error.wholeRecords} records before it.`);
    };
    for await (const capture of capturesOf(input, { notes }, options.partial ?? false, onDamage)) {
      captures++;
      chooser.offer(capture, number);
      const dateMs = Date.parse(capture.date);
      if (dateMs > newestMs) newestMs = dateMs;
      // Not a revisit: its payload may be missing.
      const isPage = capture.kind !== 'revisit' && capture.status >= 200 && capture.status < 300;
      if (firstPage === undefined && isPage && isHtml(capture.contentType ?? '')) firstPage = capture.url;
      if (captures % 256 === 0)
        options.onProgress?.({
          stage: 'reading captures',
          unit: 'captures',
          files: captures,
          totalFiles: 0,
          bytes: before + notes.bytesRead,
          totalBytes,
        });
    }
    before += input.size;
  }
  return { chosen: chooser.choose(), totalBytes, notes, captures, newestMs, firstPage, wholeRecords };
}

/** The main page: --main, else the WACZ's first page, the crawl's first seed, the first page captured. */
function chooseMainPath(pass: Pass1, sources: WarcInputs, asked: string | undefined): string {
  if (asked !== undefined) {
    const path = pass.chosen.pathOf(asked);
    if (path === undefined)
      throw new FerryError('USAGE', `--main "${asked}" is not a URL the archive captured with a page.`);
    return path;
  }
  const candidates = [...sources.pages.map((page) => page.url), ...pass.notes.seeds, pass.firstPage];
  for (const url of candidates) {
    const path = url === undefined ? undefined : pass.chosen.pathOf(url);
    if (path !== undefined) return path;
  }
  throw new FerryError(
    'INPUT_EMPTY',
    'The archive has no captured page (a 2xx response) to pack. Is it a web archive of a site?',
  );
}

/** The bytes of one record, read by going through its input to it. */
async function bodyOfRecord(sources: WarcInputs, input: number, ordinal: number): Promise<Buffer> {
  for await (const capture of readCaptures(sources.inputs[input]!, { wantBody: (number) => number === ordinal })) {
    if (capture.ordinal === ordinal) return capture.body;
  }
  throw new FerryError(
    'INPUT_INVALID',
    `Record ${ordinal} of "${sources.inputs[input]!.label}" went missing between reads.`,
  );
}

/** An entry made of a capture's bytes: pages and style sheets with their links made to work offline. */
async function addCapture(
  assembler: BundleAssembler,
  entry: ChosenEntry,
  body: Buffer,
  chosen: ChosenCaptures,
): Promise<void> {
  const mediaType = captureMediaType(entry.contentType, entry.path, body);
  const type = essence(mediaType);
  if (!isHtml(mediaType) && type !== 'text/css') return assembler.addAsset(entry.path, body, mediaType);
  const text = decodeText(body, mediaType);
  const rewritten = rewriteCapturedLinks(
    text,
    type === 'text/css' ? 'css' : 'html',
    entry.url,
    entry.path,
    chosen.find,
  );
  // Written back as UTF-8, said so in the type: the server's header outranks the page's own <meta>.
  const changed = rewritten !== text;
  const data = changed ? Buffer.from(rewritten, 'utf8') : body;
  const finalType = changed ? `${type}; charset=utf-8` : mediaType;
  if (type === 'text/css') return assembler.addAsset(entry.path, data, finalType);
  await assembler.addPage(entry.path, data, finalType, pageSearchDocument(entry.path, rewritten));
}

/**
 * Packs web archives (WARC files, WACZ packages) in two streamed passes: the first chooses the
 * capture of each URL to keep from the records' headers, the second decodes just those and
 * writes them, links rewritten to the bundle's paths. Memory holds one record and, per URL, its
 * choice.
 */
export async function packWarc(options: PackWarcOptions): Promise<WarcSummary> {
  const started = performance.now();
  const warn = options.onWarning ?? (() => undefined);
  const sources = await openWarcInputs(options.sources);
  try {
    const pass = await chooseCaptures(sources, options, warn);
    const { chosen, totalBytes } = pass;
    const mainPath = chooseMainPath(pass, sources, options.mainUrl);
    const entries = [...chosen.entries.values()].flat();
    // A stored path: chooseMainPath has followed redirects already.
    const mainEntry = entries.find((entry) => entry.path === mainPath)!;
    const mainHtml = decodeText(
      await bodyOfRecord(sources, mainEntry.source.input, mainEntry.source.ordinal),
      mainEntry.contentType ?? 'text/html',
    );
    const mainPage = extractPageText(mainHtml);
    const mtime =
      options.sourceDateEpoch !== undefined
        ? new Date(options.sourceDateEpoch * 1000)
        : new Date(Math.floor(pass.newestMs / 1000) * 1000);
    const mainUrl = new URL(mainEntry.url);
    const { metadata, warnings } = resolveMetadata(
      {
        description: metaDescription(mainHtml),
        language: languageOfTag(mainPage.language),
        ...Object.fromEntries(Object.entries(options.metadata).filter(([, value]) => value !== undefined)),
      },
      {
        folderName: basename(options.sources[0]!).replace(/\.(warc(\.gz)?|wacz)$/i, ''),
        mainPageTitle: mainPage.title || mainPage.heading || mainUrl.host,
        date: mtime,
        source: mainUrl.origin + '/',
      },
    );
    warnings.forEach(warn);
    const illustration = await loadIllustration(options.illustration, metadata.name);
    const dictionary = await chooseDictionary(options, warn);
    const pageCount = entries.filter((entry) => isHtml(entry.contentType ?? '')).length;
    const assembler = await BundleAssembler.create(options.output, mtime, metadata.language, pageCount, dictionary, {
      path: options.base,
      warn,
    });
    try {
      let written = 0;
      let before = 0;
      for (const [number, input] of sources.inputs.entries()) {
        const notes: ReadNotes = { skipped: 0, seeds: [], bytesRead: 0 };
        const wanted = (ordinal: number) => chosen.entries.has(refKey({ input: number, ordinal }));
        for await (const capture of capturesOf(input, { wantBody: wanted, notes }, pass.wholeRecords.has(number))) {
          const entries = chosen.entries.get(refKey({ input: number, ordinal: capture.ordinal }));
          if (!entries) continue;
          for (const entry of entries) await addCapture(assembler, entry, capture.body, chosen);
          written += entries.length;
          options.onProgress?.({
            stage: 'packing',
            unit: 'entries',
            files: written,
            totalFiles: entries.length,
            bytes: before + notes.bytesRead,
            totalBytes,
          });
        }
        before += input.size;
      }
      for (const [path, target] of chosen.redirects) assembler.addRedirect(path, target);
      const bytesOut = await assembler.finish(metadata, mainPath, illustration);
      return {
        output: options.output,
        name: metadata.name,
        ...assembler.counts,
        bytesIn: totalBytes,
        bytesOut,
        seconds: (performance.now() - started) / 1000,
        skipped: [],
        captures: pass.captures,
        left: { notHttp: pass.notes.skipped, ...chosen.counts },
      };
    } catch (error) {
      await assembler.abort();
      throw error;
    }
  } finally {
    sources.close();
  }
}
