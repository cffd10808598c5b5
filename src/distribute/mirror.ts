import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Bundle } from '../bundle/reader.js';
import { FerryError } from '../errors.js';
import { downloadProblem } from './check-download.js';
import { resumableDownload } from './download.js';
import { downloadPieces } from './fetch/download-pieces.js';
import { pieceRange } from './fetch/piece-download.js';
import { fetchMetalink, isMetalinkUrl, resolveSources } from './fetch/resolve-sources.js';
import { wholeFileSource, type Source } from './fetch/source.js';
import { writeFileAtomically } from './file-writes.js';
import { SIDECARS } from './publish.js';
import { sha256File } from './pieces.js';
import { listRemoteLibrary, type RemoteBundle } from './remote-library.js';

export interface MirrorOptions {
  languages?: string[] | undefined;
  tag?: string | undefined;
  maxSize?: number | undefined;
  /** Private-network sources first (--prefer-lan). */
  preferLan?: boolean | undefined;
  /** Where this machine is (ISO 3166-1 alpha-2): mirrors a Metalink places there are asked first. */
  country?: string | undefined;
  onProgress?: (name: string, bytes: number, total: number) => void;
  onLine?: (line: string) => void;
}

export interface MirrorSummary {
  downloaded: string[];
  current: string[];
  filtered: string[];
  failed: { name: string; reason: string }[];
  bytes: number;
  /** Sources dropped during the run (wrong bytes, gone), by bundle. */
  dropped: { name: string; url: string; reason: string }[];
}

const LOCK_NAME = '.ferry-mirror.lock';
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One mirror run per folder: a second one (cron firing while a slow run goes on) stops cleanly. */
async function lockFolder(folder: string): Promise<() => Promise<void>> {
  const path = join(folder, LOCK_NAME);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, `${process.pid}\n`, { flag: 'wx' });
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (pid > 0 && isRunning(pid)) {
        throw new FerryError(
          'INPUT_INVALID',
          `Another ferry mirror (process ${pid}) is working in ${folder}; this run stops. Try again when it ends.`,
        );
      }
      // Left by a run that was killed: take it over.
      await rm(path, { force: true });
    }
  }
  throw new FerryError('INPUT_INVALID', `Cannot lock ${folder} for mirroring.`);
}

function wanted(bundle: RemoteBundle, options: MirrorOptions): string | undefined {
  if (options.languages?.length && !bundle.languages.some((language) => options.languages!.includes(language))) {
    return `its language is ${bundle.languages.join(', ') || 'not given'}`;
  }
  if (options.tag && !bundle.tags.includes(options.tag)) return `it has no tag "${options.tag}"`;
  if (options.maxSize !== undefined && bundle.size > options.maxSize) return 'it is larger than --max-size';
  return undefined;
}

async function isCurrent(path: string, bundle: RemoteBundle): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  if (!info || info.size !== bundle.size) return false;
  // Without a digest from the library, only the published SHA-256 can say the copy is current.
  if (!bundle.contentDigest) return bundle.sha256 !== undefined && (await sha256File(path)) === bundle.sha256;
  try {
    const local = await Bundle.open(path);
    const same = local.manifest.contentDigest === bundle.contentDigest;
    await local.close();
    return same;
  } catch {
    return false;
  }
}

/** The same edition in two libraries: the same entries, or (without digests) the same published file. */
function sameEdition(a: RemoteBundle, b: RemoteBundle): boolean {
  if (a.size !== b.size) return false;
  if (a.contentDigest && b.contentDigest) return a.contentDigest === b.contentDigest;
  return a.sha256 !== undefined && a.sha256 === b.sha256;
}

/** The one bundle a .meta4 describes, as a library would list it (no language or tags to choose by). */
async function metalinkOffer(url: string): Promise<RemoteBundle[]> {
  const { file } = (await fetchMetalink(url, true))!;
  const name = file.name.replace(/\.ferry$/, '');
  return [{ name, url, size: file.size, languages: [], tags: [], contentDigest: '', sha256: file.sha256 }];
}

/** Every bundle the libraries offer, by name, each with the libraries that have the first one's edition. */
async function offers(urls: string[], say: (line: string) => void): Promise<RemoteBundle[][]> {
  const byName = new Map<string, RemoteBundle[]>();
  let listed = 0;
  let firstError: unknown;
  for (const url of urls) {
    let bundles: RemoteBundle[];
    try {
      bundles = isMetalinkUrl(url) ? await metalinkOffer(url) : await listRemoteLibrary(url);
      listed++;
    } catch (error) {
      firstError ??= error;
      say(`could not list ${url}: ${(error as Error).message}`);
      continue;
    }
    for (const bundle of bundles) {
      const offered = byName.get(bundle.name) ?? [];
      if (offered.length === 0 || sameEdition(offered[0]!, bundle)) offered.push(bundle);
      byName.set(bundle.name, offered);
    }
  }
  if (listed === 0) throw firstError;
  return [...byName.values()];
}

/**
 * Puts a verified copy in place with the published files of its edition. The old edition's go
 * first and the new ones come after the bundle, so that no moment pairs a bundle with another
 * edition's SHA-256 or Metalink (a crash between leaves it with none, which is safe).
 */
async function placeWithSidecars(
  part: string,
  path: string,
  sidecars: { sha256: string | undefined; meta4: string | undefined },
): Promise<void> {
  await rm(path + SIDECARS.sha256, { force: true });
  await rm(path + SIDECARS.meta4, { force: true });
  await rename(part, path);
  if (sidecars.sha256) await writeFileAtomically(path + SIDECARS.sha256, sidecars.sha256);
  if (sidecars.meta4) await writeFileAtomically(path + SIDECARS.meta4, sidecars.meta4);
}

/**
 * Downloads one bundle into `part`: in checked pieces from every library that has it and every
 * mirror its Metalink names, when it is published with one; else whole from the first library.
 * Says what the file's SHA-256 must be, and the Metalink to keep beside the copy.
 */
async function download(
  offered: RemoteBundle[],
  part: string,
  options: MirrorOptions,
  dropped: (url: string, reason: string) => void,
): Promise<{ sha256: string | undefined; metalinkText: string | undefined; sources: Source[] }> {
  const bundle = offered[0]!;
  const { metalink, metalinkText, sources } = await resolveSources(offered.map((each) => each.url));
  const onProgress = (bytes: number) => options.onProgress?.(bundle.name, bytes, bundle.size);
  if (metalink && metalink.size === bundle.size) {
    let bytes = 0;
    try {
      await downloadPieces(metalink, sources, part, {
        preferLan: options.preferLan ?? false,
        country: options.country,
        onPiece: (index) => onProgress((bytes += pieceRange(metalink, index).length)),
        onDrop: (source) => dropped(source.url, source.dropped!),
      });
      return { sha256: metalink.sha256, metalinkText, sources };
    } catch (error) {
      // Servers without Range requests cannot send pieces: the file comes whole from one of them.
      const whole = wholeFileSource(sources);
      if (!whole) throw error;
      await rm(part, { force: true });
      await resumableDownload(whole.url, part, bundle.size, onProgress);
      return { sha256: metalink.sha256, metalinkText, sources: [whole] };
    }
  }
  await resumableDownload(bundle.url, part, bundle.size, onProgress);
  return { sha256: bundle.sha256, metalinkText: undefined, sources: sources.slice(0, 1) };
}

/**
 * Copies the bundles of other libraries (ferry servers, or plain HTTP folders of bundles) into
 * `folder`: what is already current is left alone, downloads resume where an earlier run stopped,
 * each file is verified before it replaces anything, and one failure does not stop the others.
 * A bundle several libraries have is fetched from all of them at once when it is published with
 * a Metalink (piece hashes); its Metalink is kept beside the copy, so this library offers it too.
 */
export async function mirrorLibrary(
  urls: string | string[],
  folder: string,
  options: MirrorOptions = {},
): Promise<MirrorSummary> {
  await mkdir(folder, { recursive: true });
  const unlock = await lockFolder(folder);
  const summary: MirrorSummary = { downloaded: [], current: [], filtered: [], failed: [], bytes: 0, dropped: [] };
  const say = options.onLine ?? (() => undefined);
  try {
    for (const offered of await offers(typeof urls === 'string' ? [urls] : urls, say)) {
      const bundle = offered[0]!;
      if (!SAFE_NAME.test(bundle.name) || bundle.name.includes('..')) {
        summary.failed.push({ name: bundle.name, reason: 'its name is not a safe file name' });
        continue;
      }
      const why = wanted(bundle, options);
      if (why) {
        summary.filtered.push(bundle.name);
        say(`skipped ${bundle.name}: ${why}`);
        continue;
      }
      const path = join(folder, `${bundle.name}.ferry`);
      if (await isCurrent(path, bundle)) {
        summary.current.push(bundle.name);
        say(`${bundle.name} is up to date`);
        continue;
      }
      const part = join(folder, `.${bundle.name}.ferry.part`);
      try {
        const got = await download(offered, part, options, (url, reason) => {
          summary.dropped.push({ name: bundle.name, url, reason });
          say(`dropped ${url} for ${bundle.name}: ${reason}`);
        });
        const problem = await downloadProblem(part, { sha256: got.sha256, contentDigest: bundle.contentDigest });
        if (problem) throw new Error(problem);
        await placeWithSidecars(part, path, {
          sha256: got.sha256 && `${got.sha256}  ${bundle.name}.ferry\n`,
          meta4: got.metalinkText,
        });
        summary.downloaded.push(bundle.name);
        summary.bytes += bundle.size;
        const used = got.sources.filter((each) => each.pieces > 0).length;
        const from = used > 1 ? ` from ${used} sources` : '';
        say(`downloaded ${bundle.name}${from}`);
      } catch (error) {
        const reason = (error as Error).message;
        // Bytes that failed verification are not worth resuming from; a cut transfer is.
        if (!(error instanceof FerryError)) await rm(part, { force: true });
        summary.failed.push({ name: bundle.name, reason });
        say(`failed ${bundle.name}: ${reason}`);
      }
    }
  } finally {
    await unlock();
  }
  return summary;
}
