import type { Command } from 'commander';
import { FerryError } from '../errors.js';
import { formatBytes } from '../format.js';
import type { CliIO } from './io.js';
import { progressLine } from './progress.js';

const SHOWN_WARNINGS = 10;

export function registerVerify(program: Command, io: CliIO): void {
  program
    .command('verify')
    .description('check a bundle: ZIP structure, every checksum, metadata, redirects and links')
    .argument('<file>', 'a .ferry bundle, or its first part')
    .option('--json', 'print the full report as JSON')
    .option('--strict', 'treat warnings (broken links, missing recommended metadata) as failures')
    .action(async (file: string, flags: { json?: boolean; strict?: boolean }) => {
      const { verifyBundle } = await import('../bundle/verify.js');
      const progress = progressLine(io, 'verifying');
      const report = await verifyBundle(file, (done, total) =>
        progress.update({ files: done, totalFiles: total, bytes: done, totalBytes: total }),
      ).finally(() => progress.clear());
      const failed = !report.ok || (flags.strict === true && report.warnings.length > 0);
      if (flags.json) {
        io.stdout.write(JSON.stringify({ ...report, ok: !failed }, null, 2) + '\n');
      } else {
        const lines = [`${file}: ${report.entries} entries, ${formatBytes(report.bytes)}: ${failed ? 'FAILED' : 'OK'}`];
        for (const finding of report.errors)
          lines.push(`  error: ${finding.entry ? `${finding.entry}: ` : ''}${finding.message}`);
        for (const finding of report.warnings.slice(0, SHOWN_WARNINGS)) {
          lines.push(`  warning: ${finding.entry ? `${finding.entry}: ` : ''}${finding.message}`);
        }
        if (report.warnings.length > SHOWN_WARNINGS)
          lines.push(`  … and ${report.warnings.length - SHOWN_WARNINGS} more warnings (--json lists all)`);
        io.stdout.write(lines.join('\n') + '\n');
      }
      if (failed) {
        const first = report.errors[0] ?? report.warnings[0];
        throw new FerryError(
          'BUNDLE_CORRUPT',
          `verification failed${first?.entry ? ` at ${first.entry}` : ''}: ${first?.message ?? 'see above'}`,
        );
      }
    });
}
