import type { Command } from 'commander';
import { formatBytes } from '../format.js';
import type { CliIO } from './io.js';
import { COMPRESSION_HELP, parseCompression } from './pack.js';
import { progressLine } from './progress.js';

export function registerConvert(program: Command, io: CliIO): void {
  program
    .command('convert')
    .description('rewrite a bundle with other compression; its pages and files stay byte for byte the same')
    .argument('<input>', 'the .ferry bundle to read')
    .argument('<output>', 'the .ferry bundle to write')
    .requiredOption('--compression <mode>', COMPRESSION_HELP)
    .option('--base <bundle>', 'compact: reuse the zstd dictionary of this previous edition')
    .addHelpText(
      'after',
      '\nExamples:\n  ferry convert python.ferry python-any-unzip.ferry --compression deflate\n' +
        '  ferry convert old-download.ferry python.ferry --compression compact',
    )
    .action(async (input: string, output: string, flags: { compression: string; base?: string }) => {
      const { convertBundle } = await import('../pack/convert-bundle.js');
      const progress = progressLine(io, 'converting');
      const started = Date.now();
      const result = await convertBundle({
        input,
        output,
        compression: parseCompression(flags.compression),
        base: flags.base,
        onProgress: (state) => progress.update(state),
        onWarning: (message) => {
          progress.clear();
          io.stderr.write(`warning: ${message}\n`);
        },
      }).finally(() => progress.clear());
      io.stderr.write(
        `converted ${input}: ${result.entries} entries, ${formatBytes(result.bytes)} ${flags.compression}; ` +
          `${((Date.now() - started) / 1000).toFixed(1)} s -> ${output}\n`,
      );
    });
}
