import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Bundle } from '../bundle/reader.js';
import { FerryError } from '../errors.js';
import { downloadProblem } from './check-download.js';
import { resumableDownload } from './download.js';
import { sha256File } from './pieces.js';
import { listRemoteLibrary, type RemoteBundle } from './remote-library.js';

export interface MirrorOptions {
  languages?: string[] | undefined;
  tag?: string | undefined;
  maxSize?: number | undefined;
  onProgress?: (name: string, bytes: number, total: number) => void;
  onLine?: (line: string) => void;
}

export interface MirrorSummary {
  downloaded: string[];
  current: string[];
  filtered: string[];
  failed: { name: string; reason: string }[];
  bytes: number;
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

/**
 * Copies the bundles of another library (a ferry server, or a plain HTTP folder of bundles) into
 * `folder`: what is already current is left alone, downloads resume where an earlier run stopped,
 * each file is verified before it replaces anything, and one failure does not stop the others.
 */
export async function mirrorLibrary(url: string, folder: string, options: MirrorOptions = {}): Promise<MirrorSummary> {
  await mkdir(folder, { recursive: true });
  const unlock = await lockFolder(folder);
  const summary: MirrorSummary = { downloaded: [], current: [], filtered: [], failed: [], bytes: 0 };
  const say = options.onLine ?? (() => undefined);
  try {
    for (const bundle of await listRemoteLibrary(url)) {
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
        await resumableDownload(bundle.url, part, bundle.size, (bytes) =>
          options.onProgress?.(bundle.name, bytes, bundle.size),
        );
        const problem = await downloadProblem(part, bundle);
        if (problem) throw new Error(problem);
        await rename(part, path);
        summary.downloaded.push(bundle.name);
        summary.bytes += bundle.size;
        say(`downloaded ${bundle.name}`);
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
