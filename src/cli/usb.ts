import type { Command } from 'commander';
import { formatBytes, parseSize } from '../format.js';
import type { CliIO } from './io.js';

export function registerUsb(program: Command, io: CliIO): void {
  program
    .command('usb')
    .description('lay out a USB stick: bundles (split for FAT32), a README in several languages, checksums')
    .argument('<target>', 'the folder to fill: the stick, or a folder on it')
    .argument('<bundles...>', 'bundle files or folders of bundles')
    .option('--fat32', 'cut bundles into parts of 4095 MiB even if the target is not FAT32 (a stick for others)')
    .option('--part-size <size>', 'size of the parts when cutting, such as 700m (default 4095m)')
    .addHelpText(
      'after',
      '\nChecks first that everything fits and writes nothing if not. "ferry verify <target>" checks a copy later.\n' +
        'Example:\n  ferry usb /media/usb library/ --fat32',
    )
    .action(async (target: string, inputs: string[], flags: { fat32?: boolean; partSize?: string }) => {
      const { makeUsbStick } = await import('../distribute/usb.js');
      const partSize = flags.partSize === undefined ? undefined : parseSize(flags.partSize, '--part-size');
      const result = await makeUsbStick(target, inputs, {
        fat32: flags.fat32 === true || partSize !== undefined,
        partSize,
        onLine: (line) => io.stderr.write(`${line}\n`),
      });
      io.stderr.write(
        `laid out ${target}: ${result.bundles.length} bundles (${formatBytes(result.bytes)}) in ${result.files.length} files, ` +
          `README.html and SHA256SUMS; check a copy with: ferry verify ${target}\n`,
      );
    });
}
