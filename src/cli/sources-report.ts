import type { Source } from '../distribute/fetch/source.js';
import { formatBytes } from '../format.js';

/** One line per source of a transfer from several: what it sent, or why it was dropped. */
export function sourcesReport(sources: Source[]): string {
  if (sources.length < 2) return '';
  return sources
    .map((source) => {
      const sent = `${source.pieces} pieces, ${formatBytes(source.bytes)}`;
      const speed = source.throughput > 0 ? ` at ${formatBytes(source.throughput)}/s` : '';
      if (source.dropped) return `  dropped ${source.url} (${sent}): ${source.dropped}\n`;
      return `  from ${source.url}: ${sent}${speed}${source.lan ? ', on the local network' : ''}\n`;
    })
    .join('');
}
