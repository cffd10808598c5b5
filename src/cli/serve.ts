import type { Command } from 'commander';
import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { FerryError } from '../errors.js';
import type { CliIO } from './io.js';
import type { LibraryChange } from '../server/library.js';

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE')
        reject(new FerryError('USAGE', `Port ${port} is already in use. Choose another with --port.`));
      else if (error.code === 'EACCES')
        reject(new FerryError('USAGE', `Port ${port} needs more rights. Choose one above 1023 with --port.`));
      else reject(error);
    });
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** Bundles named when the server starts; the rest are counted. */
const NAMED_BUNDLES = 10;

/** Where --log writes: standard output (a service manager's journal takes it), or the end of a file. */
async function openLog(
  target: string | true,
  io: CliIO,
): Promise<{ write: (line: string) => void; close: () => Promise<void> }> {
  if (target === true) return { write: (line) => io.stdout.write(`${line}\n`), close: async () => undefined };
  const { createWriteStream } = await import('node:fs');
  const stream = createWriteStream(target, { flags: 'a' });
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (error) =>
      reject(new FerryError('USAGE', `Cannot write the access log "${target}": ${error.message}.`)),
    );
  });
  return {
    write: (line) => stream.write(`${line}\n`),
    close: () => new Promise((resolve) => stream.end(() => resolve())),
  };
}

/** A QR code of the LAN address, drawn with block characters, for phones to scan. */
async function qrCode(url: string): Promise<string> {
  const { default: QRCode } = await import('qrcode');
  return QRCode.toString(url, { type: 'utf8', errorCorrectionLevel: 'L', margin: 2 });
}

export function registerServe(program: Command, io: CliIO): void {
  program
    .command('serve')
    .description('serve bundles to browsers on this machine and the local network')
    .argument('<paths...>', 'bundle files (or first parts), or folders that hold them')
    .option('-p, --port <port>', 'port to listen on', '8080')
    .option('--host <address>', 'address to listen on (0.0.0.0: every network)', '0.0.0.0')
    .option('--watch', 'pick up bundles added to, replaced in or removed from the folders, without a restart')
    .option('--no-qr', 'do not print a QR code of the LAN address')
    .option(
      '--cache <size>',
      'memory for caches across all bundles together: pages, indexes, search structures, such as 64M or 1G',
      '128M',
    )
    .option(
      '--log [file]',
      'write an access log, one line per answer in the Combined Log Format, to standard output or appended to a file',
    )
    .option('--announce', 'announce the library on the local network (mDNS), for ferry mirror --lan')
    .option(
      '--search-rate <n>',
      'searches per second one client may make, after a burst of twice that (0: no limit)',
      '10',
    )
    .action(
      async (
        paths: string[],
        flags: {
          port: string;
          host: string;
          watch?: boolean;
          qr: boolean;
          searchRate: string;
          log?: string | true;
          announce?: boolean;
          cache: string;
        },
      ) => {
        if (!/^\d+(\.\d+)?$/.test(flags.searchRate)) {
          throw new FerryError('USAGE', `--search-rate "${flags.searchRate}" is not a number of searches per second.`);
        }
        if (!/^\d+$/.test(flags.port) || Number(flags.port) > 65535) {
          throw new FerryError('USAGE', `--port "${flags.port}" is not a port number (0-65535).`);
        }
        const [{ parseSize }, { sharedCache }, { Library }, { ManifestCache, manifestCacheFile }] = await Promise.all([
          import('../format.js'),
          import('../cache-budget.js'),
          import('../server/library.js'),
          import('../server/manifest-cache.js'),
        ]);
        sharedCache.resize(parseSize(flags.cache, '--cache'));
        // The server's code loads while the library is looked at: the disk and the CPU both at work.
        const server = Promise.all([import('../server/app.js'), import('../server/addresses.js')]);
        const warn = (message: string) => io.stderr.write(`warning: ${message}\n`);
        const cacheFile = manifestCacheFile(paths.map((path) => resolve(path)));
        const manifests = await ManifestCache.load(cacheFile);
        const library = await Library.open(paths, { onWarning: warn, manifests });
        const [{ createApp }, { serverUrls }] = await server;
        const log = flags.log === undefined ? undefined : await openLog(flags.log, io);
        const httpServer = createServer(
          createApp(library, {
            searchRate: Number(flags.searchRate),
            accessLog: log?.write,
            cacheFolder: dirname(cacheFile),
          }),
        );
        const port = await listen(httpServer, Number(flags.port), flags.host);
        const urls = serverUrls(flags.host, port);
        const count = library.list().length;
        // A library of a thousand bundles is named by its first ones, not in a screenful of names.
        const names = library.list().map((item) => item.name);
        const named =
          names.length > NAMED_BUNDLES
            ? `${names.slice(0, NAMED_BUNDLES).join(', ')} and ${names.length - NAMED_BUNDLES} more`
            : names.join(', ');
        io.stdout.write(
          `Serving ${count} bundle${count === 1 ? '' : 's'}: ${named}\n` +
            `  Open ${urls.local}\n` +
            urls.lan.map((url) => `  On the local network: ${url}\n`).join(''),
        );
        if (flags.qr && urls.lan[0])
          io.stdout.write(`\nScan with a phone to open ${urls.lan[0]}\n${await qrCode(urls.lan[0])}\n`);
        const report = (changes: LibraryChange[]) => {
          for (const change of changes) {
            const renamed = change.previousName ? `${change.previousName} -> ` : '';
            io.stdout.write(`${change.kind} ${renamed}${change.name} (${change.file})\n`);
          }
        };
        library.onChange(report);
        const announced = flags.announce
          ? (await import('../distribute/lan-announce.js')).announceLibrary({
              port,
              name: `ferry on ${hostname()}`,
              bundles: count,
              host: flags.host,
              onError: warn,
            })
          : undefined;
        const stopWatching = flags.watch ? library.watch(report) : () => undefined;
        io.stdout.write(`${flags.watch ? 'Watching for bundles. ' : ''}Press Ctrl+C to stop.\n`);
        await io.stopSignal();
        stopWatching();
        await announced?.stop();
        await new Promise((resolve) => httpServer.close(resolve));
        httpServer.closeAllConnections();
        await library.close();
        await log?.close();
      },
    );
}
