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
