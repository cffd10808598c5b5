import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';

export interface ViewerAsset {
  body: Buffer;
  gzip: Buffer;
  etag: string;
  type: string;
}

/** Where esbuild put the viewer: beside dist/src when built, dist/viewer when run from source. */
const CANDIDATE_FOLDERS = ['../../viewer/', '../../dist/viewer/'];

function load(file: string, type: string): ViewerAsset {
  for (const folder of CANDIDATE_FOLDERS) {
    try {
      const body = readFileSync(new URL(folder + file, import.meta.url));
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
      return { body, gzip: gzipSync(body, { level: 9 }), etag, type };
    } catch (error) {
      // Not there: try the next folder. Anything else (out of file handles) is said as it is.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  throw new Error(`The viewer's ${file} is missing: run "npm run build" first.`);
}

/** The viewer's script and style, loaded and compressed once at start. */
export function loadViewerAssets(): Map<string, ViewerAsset> {
  return new Map([
    ['viewer.js', load('viewer.js', 'text/javascript; charset=utf-8')],
    ['viewer.css', load('viewer.css', 'text/css; charset=utf-8')],
  ]);
}
