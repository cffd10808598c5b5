import { Command, CommanderError } from 'commander';
import { FerryError, describeError } from '../errors.js';
import { VERSION } from '../version.js';
import { registerConvert } from './convert.js';
import { registerDiff } from './diff.js';
import { registerExtract } from './extract.js';
import { registerMirror } from './mirror.js';
import { registerPublish } from './publish.js';
import { registerUpdate } from './update.js';
import { registerUsb } from './usb.js';
import { registerInfo } from './info.js';
import type { CliIO } from './io.js';
import { registerPack } from './pack.js';
import { registerSearch } from './search.js';
import { registerServe } from './serve.js';
import { registerSplit } from './split.js';
import { registerVerify } from './verify.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

function buildProgram(io: CliIO): Command {
  const program = new Command('ferry')
    .description('Carry web content across a connectivity gap: pack sites into bundles, serve them offline.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .showHelpAfterError('(run with --help for usage)');
  registerPack(program, io);
  registerInfo(program, io);
  registerSearch(program, io);
  registerExtract(program, io);
  registerServe(program, io);
  registerConvert(program, io);
  registerSplit(program, io);
  registerVerify(program, io);
  registerDiff(program, io);
  registerPublish(program, io);
  registerUpdate(program, io);
  registerMirror(program, io);
  registerUsb(program, io);
  program.commands.forEach((command) => command.exitOverride());
  return program;
}

/** Runs the CLI in-process and returns its exit code; tests call this directly. */
export async function main(args: string[], io: CliIO): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(args, { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    io.stderr.write(`ferry: ${describeError(error)}\n`);
    if (error instanceof FerryError) return error.code === 'USAGE' ? EXIT_USAGE : EXIT_FAILURE;
    // System errors (ENOSPC, EACCES, …) carry a code and say enough; anything else is a bug,
    // and its stack is what a report needs.
    const systemError = error instanceof Error && 'code' in error;
    if (!systemError)
      io.stderr.write(
        `${error instanceof Error ? (error.stack ?? '') : ''}\nThis looks like a bug in ferry; please report it with the lines above.\n`,
      );
    return EXIT_FAILURE;
  }
}
