import type { Dirent } from 'node:fs';
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { nameProblem } from '../../bundle/names.js';
import { FerryError } from '../../errors.js';
import type { Collection, SourceFile } from '../types.js';

export interface SiteListing extends Collection {
  /** In ascending byte order of their paths, the order they are written in. */
  files: SourceFile[];
}

/**
 * A listed file. Its absolute path is made when it is read, not kept, and `read` is a method, not
 * a closure: a million files kept 320 MB of listing.
 */
class SiteFile implements SourceFile {
  constructor(
    private readonly root: string,
    readonly path: string,
    readonly size: number,
  ) {}

  read(): Promise<Buffer> {
    return readFile(join(this.root, this.path));
  }
}

const byBytes = (a: { path: string }, b: { path: string }) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path));

function isInside(root: string, candidate: string): boolean {
  const path = relative(root, candidate);
  return path !== '' && !path.startsWith('..') && !path.startsWith(sep) && !/^[a-zA-Z]:/.test(path);
}

/**
 * Lists a static site without reading file contents. Symbolic links are never followed out of
 * the folder: a link to a file inside becomes an alias, anything else is skipped with a reason.
 */
export async function listSite(folder: string): Promise<SiteListing> {
  const folderStats = await stat(folder).catch(() => undefined);
  if (!folderStats)
    throw new FerryError('INPUT_MISSING', `The folder "${folder}" does not exist. Give the folder of a mirrored site.`);
  if (!folderStats.isDirectory())
    throw new FerryError('INPUT_INVALID', `"${folder}" is not a folder. Give the folder of a mirrored site.`);
  const root = await realpath(folder);
  const listing: SiteListing = { root, files: [], aliases: [], skipped: [], newestMtimeMs: 0, totalBytes: 0 };

  const pending: string[] = [root];
  while (pending.length > 0) {
    const directory = pending.pop()!;
    let children: Dirent[];
    try {
      children = await readdir(directory, { withFileTypes: true });
    } catch (error) {
      listing.skipped.push({ path: relative(root, directory), reason: `cannot be read (${(error as Error).message})` });
      continue;
    }
    for (const child of children) {
      const absolutePath = join(directory, child.name);
      const path = relative(root, absolutePath).split(sep).join('/');
      const problem = nameProblem(path);
      if (problem) {
        listing.skipped.push({ path, reason: `its name cannot be stored: ${problem}` });
      } else if (child.isDirectory()) {
        pending.push(absolutePath);
      } else if (child.isSymbolicLink()) {
        await listLink(listing, path, absolutePath);
      } else if (child.isFile()) {
        const stats = await lstat(absolutePath);
        listing.files.push(new SiteFile(root, path, stats.size));
        listing.totalBytes += stats.size;
        listing.newestMtimeMs = Math.max(listing.newestMtimeMs, stats.mtimeMs);
      } else {
        listing.skipped.push({ path, reason: 'it is not a regular file' });
      }
    }
  }
  listing.files.sort(byBytes);
  listing.aliases.sort(byBytes);
  if (listing.files.length === 0) {
    throw new FerryError('INPUT_EMPTY', `The folder "${folder}" holds no files to pack.`);
  }
  return listing;
}

async function listLink(listing: SiteListing, path: string, absolutePath: string): Promise<void> {
  const target = await realpath(absolutePath).catch(() => undefined);
  if (!target) {
    listing.skipped.push({ path, reason: 'it is a symbolic link to nothing' });
    return;
  }
  if (!isInside(listing.root, target)) {
    listing.skipped.push({ path, reason: 'it is a symbolic link that points outside the folder' });
    return;
  }
  if (!(await stat(target)).isFile()) {
    listing.skipped.push({ path, reason: 'it is a symbolic link to a folder, which is not followed' });
    return;
  }
  listing.aliases.push({ path, target: relative(listing.root, target).split(sep).join('/') });
}
