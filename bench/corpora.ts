import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultIllustration } from '../src/pack/illustration.js';

/** A real documentation set from a Debian package, packed and served by both tools. */
export interface Corpus {
  id: string;
  debianPackage: string;
  /** The HTML folder inside the package. */
  htmlPath: string;
  /** A typical page to load, and the Sphinx inventory that maps API names to pages. */
  page: string;
  objectsInv: string;
  language: string;
  /** A word people search for here, used for the search and suggestion loads. */
  searchTerm: string;
}

export const CORPORA: Corpus[] = [
  {
    id: 'python3.11-doc',
    debianPackage: 'python3.11-doc',
    htmlPath: 'usr/share/doc/python3.11/html',
    page: 'library/json.html',
    objectsInv: 'objects.inv',
    language: 'eng',
    searchTerm: 'json',
  },
  {
    id: 'scipy-doc',
    debianPackage: 'python-scipy-doc',
    htmlPath: 'usr/share/doc/python-scipy-doc/html',
    page: 'reference/generated/scipy.optimize.minimize.html',
    objectsInv: 'objects.inv',
    language: 'eng',
    searchTerm: 'minimize',
  },
];

export const ILLUSTRATION_FILE = 'bench-illustration-48.png';

export interface PreparedCorpus extends Corpus {
  html: string;
  pages: number;
  files: number;
  bytes: number;
  largestAsset: string;
}

function walk(folder: string, visit: (path: string, size: number) => void, prefix = ''): void {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const relative = prefix + entry.name;
    if (entry.isDirectory()) walk(join(folder, entry.name), visit, relative + '/');
    else if (entry.isFile()) visit(relative, statSync(join(folder, entry.name)).size);
  }
}

/** Downloads a Debian package once and unpacks it into `<workFolder>/<folder>`; returns that folder. */
export function unpackDebianPackage(
  name: string,
  workFolder: string,
  folder: string,
  log: (line: string) => void,
): string {
  const root = join(workFolder, folder);
  if (existsSync(root)) return root;
  const debs = join(workFolder, 'debs');
  mkdirSync(debs, { recursive: true });
  log(`downloading ${name} from Debian`);
  const download = () => execFileSync('apt-get', ['download', name], { cwd: debs, stdio: 'pipe' });
  try {
    download();
  } catch {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'pipe' });
    download();
  }
  const deb = readdirSync(debs).find((file) => file.startsWith(name + '_'));
  if (!deb) throw new Error(`apt-get download ${name} produced no .deb`);
  execFileSync('dpkg-deb', ['-x', join(debs, deb), root]);
  return root;
}

/** Downloads and unpacks the package once into bench/work, then counts what it holds. */
export function prepareCorpus(corpus: Corpus, workFolder: string, log: (line: string) => void): PreparedCorpus {
  const html = join(workFolder, corpus.id, corpus.htmlPath);
  if (!existsSync(html)) {
    unpackDebianPackage(corpus.debianPackage, workFolder, corpus.id, log);
    // zimwriterfs wants the illustration inside the folder; both tools then see the same input.
    writeFileSync(join(html, ILLUSTRATION_FILE), defaultIllustration(corpus.id));
  }
  let pages = 0;
  let files = 0;
  let bytes = 0;
  let largestAsset = '';
  let largestSize = 0;
  walk(html, (path, size) => {
    files++;
    bytes += size;
    if (/\.html?$/.test(path)) pages++;
    else if (size > largestSize && /\.(png|jpe?g|svg|css|js)$/.test(path)) {
      largestAsset = path;
      largestSize = size;
    }
  });
  return { ...corpus, html, pages, files, bytes, largestAsset };
}
