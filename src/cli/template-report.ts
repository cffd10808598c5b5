import type { MediawikiSummary } from '../pack/pack-mediawiki.js';
import { OUTCOMES } from '../sources/mediawiki/templates/template-counts.js';

const HEADINGS = { expanded: 'expanded', hand: 'by ferry', table: 'as table', dropped: 'dropped' };

/**
 * What became of the template calls of a wiki's pages, for the pack summary: the totals, then
 * the 20 names called most, so a user sees which templates a dump lacks or that need Lua.
 */
export function templateReport({ templates }: MediawikiSummary): string {
  if (!templates) return '';
  const { totals } = templates;
  const calls = OUTCOMES.reduce((sum, outcome) => sum + totals[outcome], 0);
  const number = (value: number) => value.toLocaleString('en');
  let report =
    `templates: ${number(templates.inDump)} in the dump; ${number(calls)} calls on pages: ` +
    `${number(totals.expanded)} expanded, ${number(totals.hand)} rendered by ferry, ` +
    `${number(totals.table)} shown as a table of their parameters, ${number(totals.dropped)} dropped\n`;
  if (calls === 0) return report;
  const width = Math.min(40, Math.max(...templates.top.map(([name]) => name.length), 8));
  report += `  ${'most called'.padEnd(width)}${OUTCOMES.map((outcome) => HEADINGS[outcome].padStart(10)).join('')}\n`;
  for (const [name, counts] of templates.top) {
    const shown = name.length > width ? `${name.slice(0, width - 1)}…` : name;
    report += `  ${shown.padEnd(width)}${OUTCOMES.map((outcome) => number(counts[outcome]).padStart(10)).join('')}\n`;
  }
  return report;
}
