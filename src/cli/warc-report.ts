import type { WarcSummary } from '../pack/pack-warc.js';

/** The pack summary's words on a web archive: captures read, and what was left out and why. */
export function warcDetail(summary: WarcSummary): string {
  const { left } = summary;
  const reasons = [
    [left.olderCaptures, 'older captures of a URL'],
    [left.notOk, 'not 2xx or 3xx'],
    [left.notHttp, 'not HTTP (dns:, whois:, metadata)'],
    [left.unresolvedRevisits, 'revisits whose payload is not in the archive'],
    [left.deadRedirects, 'redirects to what was not captured'],
  ] as const;
  const shown = reasons.filter(([count]) => count > 0).map(([count, reason]) => `${count} ${reason}`);
  return `; ${summary.captures} captures${shown.length > 0 ? ` (left out: ${shown.join(', ')})` : ''}`;
}
