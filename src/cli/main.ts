#!/usr/bin/env node
import { processIO } from './io.js';
import { main } from './program.js';

// `ferry search … | head` closes the pipe early: that is the reader being done, not a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await main(process.argv.slice(2), processIO());
