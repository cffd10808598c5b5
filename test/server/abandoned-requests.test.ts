import { copyFile, mkdir, rename } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { Library } from '../../src/server/library.js';
import { packSample, runCli, SAMPLE_METADATA, SAMPLE_SITE, tempFolder } from '../helpers.js';

/** Sends a request and hangs up at once, as a browser does when a reader clicks on. */
function abandon(port: number, path: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: gzip\r\n\r\n`);
      socket.destroy();
      resolve();
    });
    socket.on('error', () => resolve());
  });
}

describe('requests abandoned by their clients', () => {
  it('let go of their bundle, so a replaced bundle is closed', async () => {
    const work = await tempFolder();
    const shelf = join(work, 'shelf');
    await mkdir(shelf);
    await copyFile(await packSample(work), join(shelf, 'click.ferry'));
    const library = await Library.open([shelf]);
    const server = createServer(createApp(library));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const old = library.get('click_docs_en')!;
    const oldBundle = (await library.hold(old)).bundle;
    library.release(old);
    const paths = ['/content/click_docs_en/api.html', '/viewer/click_docs_en/index.html', '/api/search?q=option'];
    await Promise.all(Array.from({ length: 60 }, (_, i) => abandon(port, paths[i % paths.length]!)));
    // Each request ends in its own time; none may keep the bundle once all have.
    for (let tries = 0; tries < 50 && old.users > 0; tries++) await sleep(100);
    expect(old.users).toBe(0);

    // Replaced by a move: the old bundle closes once nothing holds it.
    const next = join(work, 'next.ferry');
    expect(
      (await runCli(['pack', SAMPLE_SITE, '--metadata', SAMPLE_METADATA, '--title', 'Next', '-o', next])).code,
    ).toBe(0);
    await rename(next, join(shelf, 'click.ferry'));
    expect((await fetch(`http://127.0.0.1:${port}/content/click_docs_en/index.html`)).status).toBe(200);
    expect(old.retired).toBe(true);
    expect(old.isOpen).toBe(false);
    await expect(oldBundle.source.read(0, 4)).rejects.toThrow();
    await new Promise((resolve) => server.close(resolve));
    await library.close();
  });
});
