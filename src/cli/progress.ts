import { formatBytes } from '../format.js';
import type { PackProgress } from '../pack/pack-site.js';
import type { CliIO } from './io.js';

const REDRAW_MS = 100;

/** A one-line progress report, redrawn in place on a terminal and silent elsewhere. */
export function progressLine(io: CliIO, verb: string) {
  let lastDraw = 0;
  let drawn = false;
  return {
    update(progress: PackProgress): void {
      if (!io.interactive) return;
      const now = Date.now();
      // The last update (all files done) is always drawn; with no total known, none is the last.
      const last = progress.totalFiles > 0 && progress.files >= progress.totalFiles;
      if (now - lastDraw < REDRAW_MS && !last) return;
      lastDraw = now;
      drawn = true;
      const percent = progress.totalBytes > 0 ? Math.floor((progress.bytes / progress.totalBytes) * 100) : 100;
      io.stderr.write(
        `\r\x1b[K${progress.stage ?? verb} ${progress.files}${progress.totalFiles > 0 ? `/${progress.totalFiles}` : ''} ${progress.unit ?? 'files'}, ${formatBytes(progress.bytes)} of ${formatBytes(progress.totalBytes)} (${percent}%)`,
      );
    },
    clear(): void {
      if (drawn) io.stderr.write('\r\x1b[K');
      drawn = false;
    },
  };
}
