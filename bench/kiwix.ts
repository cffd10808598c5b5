import { rmSync } from 'node:fs';
import { measureCommand, type CommandCost } from './processes.js';

/** Kiwix's full-text search over HTTP, as kiwix-serve 3.3 answers it: the top pages' paths, best first. */
export async function kiwixSearch(base: string, name: string, query: string, pageLength = 5): Promise<string[]> {
  const response = await fetch(
    `${base}/search?content=${name}&pageLength=${pageLength}&pattern=${encodeURIComponent(query)}`,
  );
  const html = await response.text();
  const results = html.slice(html.indexOf('class="results"'));
  const prefix = `/${name}/`;
  return [...results.matchAll(/<li>\s*<a href="([^"]+)"/g)].map((match) =>
    decodeURI(match[1]!).replace(prefix, '').replace(/^A\//, ''),
  );
}

/** Packs a folder of HTML with zimwriterfs as the benches do, timed; the folder holds the illustration. */
export function packZim(
  html: string,
  output: string,
  zim: { name: string; language: string; welcome: string; illustration: string; description: string; creator: string },
  options: { fullText?: boolean } = {},
): CommandCost {
  rmSync(output, { force: true });
  return measureCommand('zimwriterfs', [
    ...(options.fullText === false ? ['--withoutFTIndex'] : []),
    `--welcome=${zim.welcome}`,
    `--illustration=${zim.illustration}`,
    `--language=${zim.language}`,
    `--title=${zim.name}`,
    `--description=${zim.description}`,
    `--creator=${zim.creator}`,
    '--publisher=ferry bench',
    `--name=${zim.name}`,
    html,
    output,
  ]);
}
