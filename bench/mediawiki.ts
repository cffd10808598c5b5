/**
 * `npm run bench:mediawiki [-- --pages 100000]`: expands the fixture dump
 * (test/fixtures/mediawiki) into a synthetic dump of N pages, compressed with bzip2 as wikis
 * publish them: the fixture's articles with their links pointed at other synthetic pages (some
 * missing), one to three of 1,000 categories each, and one page in ten a redirect, all drawn with
 * a fixed seed. Then packs it: pages per second and peak RSS (the render workers are threads of
 * the same process, so their memory is counted). Results go to bench/results/<date>-mediawiki.json.
 *
 * `--real-templates`: the dump also carries the Template and Module pages of the real exports in
 * test/fixtures/mediawiki-real/, and one article in four is one of their pages that calls them
 * (Commons' Creator and Institution pages, WikiFM's code example, WikiToLearn's department grid,
 * the StochSD article with English Wikipedia's infobox and citations): template expansion at
 * scale. Results go to …-mediawiki-templates.json.
 */
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureCommand } from './processes.js';
import { seededRandom } from './random.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const WORK = join(REPO, 'bench/work');
const CLI = join(REPO, 'dist/cli/ferry.mjs');
const FIXTURE = join(REPO, 'test/fixtures/mediawiki/cleanwater-pages-articles.xml');
const REAL = join(REPO, 'test/fixtures/mediawiki-real');
const SEED = 1;
const CATEGORIES = 1000;
const WORDS = 'water river town school clinic field market bridge valley forest hill lake road garden well'.split(' ');

const unescapeXml = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The article texts of the fixture: namespace 0, not redirects, not deliberately broken. */
function fixtureArticles(xml: string): string[] {
  const articles: string[] = [];
  for (const match of xml.matchAll(/<page>([\s\S]*?)<\/page>/g)) {
    const page = match[1]!;
    if (!page.includes('<ns>0</ns>') || page.includes('<redirect') || page.includes('Broken markup')) continue;
    const text = /<text[^>]*>([\s\S]*?)<\/text>/.exec(page)?.[1];
    if (text) articles.push(unescapeXml(text).replace(/\[\[Category:[^\]]*\]\]\n?/g, ''));
  }
  return articles;
}

/** The real exports' template and module pages, as written, and the texts of their pages that call them. */
function realTemplates(): { pages: string[]; callers: string[] } {
  const pages: string[] = [];
  const callers: string[] = [];
  for (const file of readdirSync(REAL).filter((name) => name.endsWith('.xml'))) {
    const xml = readFileSync(join(REAL, file), 'utf8');
    for (const match of xml.matchAll(/<page>([\s\S]*?)<\/page>/g)) {
      const page = match[1]!;
      if (/<ns>(10|828)<\/ns>/.test(page)) pages.push(`  <page>${page}</page>\n`);
      else if (/<ns>(0|100|106)<\/ns>/.test(page) && !page.includes('<redirect')) {
        const text = [...page.matchAll(/<text[^>]*>([\s\S]*?)<\/text>/g)].at(-1)?.[1];
        if (text && text.includes('{{')) callers.push(unescapeXml(text));
      }
    }
  }
  return { pages, callers };
}

function writeDump(file: string, pages: number, withTemplates: boolean): void {
  const done = `${file}.complete`;
  if (existsSync(done)) return;
  rmSync(file, { force: true });
  const xml = readFileSync(FIXTURE, 'utf8');
  const header = xml.slice(0, xml.indexOf('</siteinfo>') + '</siteinfo>'.length);
  const fixture = fixtureArticles(xml);
  const real = withTemplates ? realTemplates() : { pages: [], callers: [] };
  const next = seededRandom(SEED);
  const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)]!;
  // Titles as a wiki stores them, first letter capitalised: links and redirects may use either case.
  const titleOf = (index: number) => {
    const first = WORDS[index % WORDS.length]!;
    return `${first[0]!.toUpperCase()}${first.slice(1)} ${WORDS[(index * 7) % WORDS.length]} ${index}`;
  };
  const xmlFile = file.replace(/\.bz2$/, '');
  const out = openSync(xmlFile, 'w');
  writeSync(out, header + '\n');
  for (const page of real.pages) writeSync(out, page);
  for (let index = 1; index <= pages; index++) {
    const title = titleOf(index);
    let body: string;
    let redirect = '';
    if (index > 1 && next() < 0.1) {
      const target = titleOf(1 + Math.floor(next() * (index - 1)));
      body = `#REDIRECT [[${target}]]`;
      redirect = `<redirect title="${escapeXml(target)}" />`;
    } else {
      // One link in twenty points past the end of the dump: a missing page.
      const linked = (label: string) => `[[${titleOf(1 + Math.floor(next() * pages * 1.05))}|${label}]]`;
      const articles = real.callers.length > 0 && next() < 0.25 ? real.callers : fixture;
      body = pick(articles).replace(/\[\[([^\]|]+)(?:\|([^\]]*))?\]\]/g, (_, target: string, label?: string) =>
        linked(label ?? target),
      );
      const count = 1 + Math.floor(next() * 3);
      for (let category = 0; category < count; category++) {
        body += `\n[[Category:Topic ${Math.floor(next() * CATEGORIES)}]]`;
      }
    }
    writeSync(
      out,
      `  <page>\n    <title>${escapeXml(title)}</title>\n    <ns>0</ns>\n    <id>${index}</id>\n    ${redirect}\n` +
        `    <revision>\n      <id>${index}</id>\n      <timestamp>2026-10-01T00:00:00Z</timestamp>\n` +
        `      <text xml:space="preserve">${escapeXml(body)}</text>\n    </revision>\n  </page>\n`,
    );
  }
  writeSync(out, '</mediawiki>\n');
  closeSync(out);
  execFileSync('bzip2', ['-f', xmlFile]);
  writeFileSync(done, '');
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--pages');
  const pages = at > 0 ? Number(process.argv[at + 1]) : 100_000;
  const withTemplates = process.argv.includes('--real-templates');
  const kind = withTemplates ? 'mediawiki-templates' : 'mediawiki';
  const log = (line: string) => process.stderr.write(line + '\n');
  mkdirSync(WORK, { recursive: true });
  const dump = join(WORK, `${kind}-${pages}.xml.bz2`);
  log(`writing a dump of ${pages} pages`);
  writeDump(dump, pages, withTemplates);
  const output = join(WORK, `${kind}-${pages}.ferry`);
  log(`packing on ${availableParallelism()} cores`);
  const pack = measureCommand('node', [CLI, 'pack', '--kind', 'mediawiki', dump, '-o', output, '--name', 'synthetic']);
  const result = {
    date: new Date().toISOString().slice(0, 10),
    pages,
    cores: availableParallelism(),
    dumpBytes: statSync(dump).size,
    bundleBytes: statSync(output).size,
    pack: { seconds: pack.seconds, pagesPerSecond: pages / pack.seconds, peakRssMB: pack.peakRssMB },
    templateCalls: /templates: .*/.exec(pack.stderr)?.[0],
  };
  mkdirSync(join(REPO, 'bench/results'), { recursive: true });
  const suffix = pages === 100_000 ? '' : `-${pages}`;
  const file = join(REPO, 'bench/results', `${result.date}-${kind}${suffix}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(
    `pack of a ${pages}-page dump (${(result.dumpBytes / 1e6).toFixed(1)} MB of bzip2): ${pack.seconds.toFixed(1)} s, ` +
      `${result.pack.pagesPerSecond.toFixed(0)} pages/s, peak RSS ${pack.peakRssMB.toFixed(0)} MB, ` +
      `bundle ${(result.bundleBytes / 1e6).toFixed(1)} MB\n${result.templateCalls ?? ''}\nsaved ${file}\n`,
  );
}

await main();
