import type { Command } from 'commander';
import { formatBytes } from '../format.js';
import type { CliIO } from './io.js';

export function registerInfo(program: Command, io: CliIO): void {
  program
    .command('info')
    .description("show a bundle's metadata and counts")
    .argument('<file>', 'a .ferry bundle')
    .option('--json', 'print JSON')
    .action(async (file: string, flags: { json?: boolean }) => {
      const { Bundle } = await import('../bundle/reader.js');
      const bundle = await Bundle.open(file);
      try {
        const manifest = bundle.manifest;
        if (flags.json) {
          io.stdout.write(
            JSON.stringify(
              { file, bytes: bundle.source.size, entries: bundle.indexHeader.recordCount, ...manifest },
              null,
              2,
            ) + '\n',
          );
          return;
        }
        const { metadata, counts, search } = manifest;
        const rows: [string, string][] = [
          ['file', `${file} (${formatBytes(bundle.source.size)})`],
          ['name', metadata.name],
          ['title', metadata.title],
          ['description', metadata.description],
          ['language', metadata.language],
          ['creator', metadata.creator],
          ['publisher', metadata.publisher],
          ['date', metadata.date],
          ['license', metadata.license],
          ['source', metadata.source],
          ['tags', metadata.tags.join(', ')],
          ['main page', manifest.mainPage],
          ['contents', `${counts.pages} pages, ${counts.assets} assets, ${counts.redirects} redirects`],
          ['search', `${search.documents} documents in ${search.shards} shard(s), language ${search.language}`],
          ['digest', manifest.contentDigest],
          ['made by', manifest.generator],
        ];
        io.stdout.write(rows.map(([label, value]) => `${label.padEnd(12)} ${value || '-'}`).join('\n') + '\n');
      } finally {
        await bundle.close();
      }
    });
}
