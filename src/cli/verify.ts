import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { FerryError } from '../errors.js';
import { formatBytes } from '../format.js';
import type { CliIO } from './io.js';
import { progressLine } from './progress.js';

const SHOWN_WARNINGS = 10;

/** A stick: every file against SHA256SUMS, naming those to copy again. */
async function verifyStickCommand(folder: string, json: boolean, io: CliIO): Promise<void> {
  const { verifyStick } = await import('../distribute/verify-stick.js');
  const report = await verifyStick(folder);
  if (json) io.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else {
    const lines = [`${folder}: ${report.checked} files checked: ${report.ok ? 'OK' : 'FAILED'}`];
    for (const bad of report.bad) lines.push(`  bad: ${bad.file}: ${bad.problem}`);
    for (const file of report.unlisted) lines.push(`  warning: ${file} is not in SHA256SUMS, so it was not checked`);
    io.stdout.write(lines.join('\n') + '\n');
  }
  if (!report.ok) {
    throw new FerryError(
      'BUNDLE_CORRUPT',
      `${report.bad.length} file(s) on ${folder} are damaged or missing (${report.bad[0]!.file}): copy them again from a good copy, or lay the stick out again with ferry usb.`,
    );
  }
}

export function registerVerify(program: Command, io: CliIO): void {
  program
    .command('verify')
    .description('check a bundle (ZIP structure, every checksum, metadata, redirects, links), or a whole USB stick')
    .argument('<file>', 'a .ferry bundle, its first part, or a folder laid out by "ferry usb"')
    .option('--json', 'print the full report as JSON')
    .option('--strict', 'treat warnings (broken links, missing recommended metadata) as failures')
    .action(async (file: string, flags: { json?: boolean; strict?: boolean }) => {
      if ((await stat(file).catch(() => undefined))?.isDirectory())
        return verifyStickCommand(file, flags.json === true, io);
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
