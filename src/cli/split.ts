import type { Command } from 'commander';
import { formatBytes, parseSize } from '../format.js';
import type { CliIO } from './io.js';

export function registerSplit(program: Command, io: CliIO): void {
  program
    .command('split')
    .description('cut a bundle into parts that fit a FAT32 USB stick (name.ferry.part001, …)')
    .argument('<file>', 'a .ferry bundle')
    .option('--size <size>', 'largest part, in bytes or with k, m, g', '4095m')
    .addHelpText(
      'after',
      '\nThe parts are read, served and verified as they are; "ferry join" puts them back together.',
    )
    .action(async (file: string, flags: { size: string }) => {
      const { splitBundle } = await import('../distribute/split.js');
      const size = parseSize(flags.size, '--size');
      const parts = await splitBundle(file, size, (path) => io.stderr.write(`wrote ${path}\n`));
      io.stderr.write(
        `split ${file} into ${parts.length} part${parts.length === 1 ? '' : 's'} of at most ${formatBytes(size)}\n`,
      );
    });
  program
    .command('join')
    .description('join the parts of a split bundle into one file')
    .argument('<part>', 'the first part (name.ferry.part001) or the base name (name.ferry)')
    .option('-o, --output <file>', 'the bundle to write (default: the base name)')
    .action(async (part: string, flags: { output?: string }) => {
      const { joinParts } = await import('../distribute/split.js');
      const { baseOfPart } = await import('../bundle/parts.js');
      const output = flags.output ?? baseOfPart(part) ?? part;
      const bytes = await joinParts(part, output);
      io.stderr.write(`joined ${formatBytes(bytes)} into ${output}\n`);
    });
}
