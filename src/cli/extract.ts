import type { Command } from 'commander';
import { FerryError } from '../errors.js';
import type { CliIO } from './io.js';

export function registerExtract(program: Command, io: CliIO): void {
  program
    .command('extract')
    .description('write one entry of a bundle to standard output')
    .argument('<file>', 'a .ferry bundle')
    .argument('<path>', 'a path of the collection (such as index.html), or an entry name (such as ferry.json)')
    .addHelpText('after', '\nExample:\n  ferry extract site.ferry guide/intro.html > intro.html')
    .action(async (file: string, path: string) => {
      const { Bundle } = await import('../bundle/reader.js');
      const bundle = await Bundle.open(file);
      try {
        const record = (await bundle.resolveContent(path.replace(/^\/+/, ''))) ?? (await bundle.resolve(path));
        if (!record) {
          throw new FerryError(
            'ENTRY_NOT_FOUND',
            `"${path}" is not in ${file}. "ferry search" finds pages by their words.`,
          );
        }
        io.stdout.write(await bundle.read(record));
      } finally {
        await bundle.close();
      }
    });
}
