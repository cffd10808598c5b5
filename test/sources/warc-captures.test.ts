import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { promisify } from 'node:util';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCaptures, type Capture } from '../../src/sources/warc/captures.js';
import { tempFolder } from '../helpers.js';

const PAGE =
  '<html><body><a href="/page2.html">next</a> <a href="/old.html">old</a> <a href="/br.html">br</a><link rel="stylesheet" href="/style.css"></body></html>';
const CSS = 'body { color: #202122 }\n'.repeat(50);
const PAGE2 = '<html><body>second page, sent in chunks</body></html>';
const BROTLI = '<html><body>sent with brotli</body></html>';

/** A small site sent the ways real servers send: gzip, chunks, brotli, a permanent redirect. */
function site(): Server {
  return createServer((request, response) => {
    switch (request.url) {
      case '/':
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
        break;
      case '/style.css':
        response.writeHead(200, { 'content-type': 'text/css', 'content-encoding': 'gzip' }).end(gzipSync(CSS));
        break;
      case '/page2.html':
        response.writeHead(200, { 'content-type': 'text/html' }); // no length: chunked
        response.write(PAGE2.slice(0, 20));
        response.end(PAGE2.slice(20));
        break;
      case '/br.html':
        response
          .writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'br' })
          .end(brotliCompressSync(BROTLI));
        break;
      case '/old.html':
        response.writeHead(301, { location: '/page2.html' }).end();
        break;
      default:
        response.writeHead(404).end('not here');
    }
  });
}

describe('reading the captures of a WARC that wget wrote', () => {
  let server: Server;
  let base: string;
  let captures: Capture[];
  const notes = { skipped: 0, seeds: [] as string[], bytesRead: 0 };

  beforeAll(async () => {
    server = site();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const folder = await tempFolder();
    // wget crawls the site as a user would, writing a WARC (gzip per record) beside the copy.
    // Asynchronous: the server answering wget runs in this very process.
    await promisify(execFile)(
      'wget',
      [
        '--recursive',
        '--level=2',
        '--no-verbose',
        `--warc-file=${join(folder, 'crawl')}`,
        '-P',
        join(folder, 'copy'),
        `${base}/`,
      ],
      { timeout: 60_000 },
    );
    captures = [];
    const path = join(folder, 'crawl.warc.gz');
    const input = { label: path, size: 0, open: async () => createReadStream(path) };
    for await (const capture of readCaptures(input, { wantBody: () => true, notes })) captures.push(capture);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const at = (path: string) => captures.find((capture) => capture.url === `${base}${path}`);

  it('gives each response with its status, type and the body the browser saw', () => {
    expect(at('/')).toMatchObject({ kind: 'response', status: 200, contentType: 'text/html; charset=utf-8' });
    expect(at('/')!.body.toString()).toBe(PAGE);
    expect(at('/')!.digest).toMatch(/^sha1:/);
  });

  it('undoes gzip, chunked transfer coding and brotli', () => {
    expect(at('/style.css')!.body.toString()).toBe(CSS);
    expect(at('/page2.html')!.body.toString()).toBe(PAGE2);
    expect(at('/br.html')!.body.toString()).toBe(BROTLI);
  });

  it('keeps a redirect with where it leads, and skips what is not a capture of the web', () => {
    expect(at('/old.html')).toMatchObject({ status: 301, location: '/page2.html' });
    expect(captures.every((capture) => capture.url.startsWith('http'))).toBe(true);
    expect(notes.skipped).toBeGreaterThan(0); // wget's own log and arguments, as metadata:// resources
  });

  it("finds the crawl's seed on wget's command line", () => {
    expect(notes.seeds).toEqual([`${base}/`]);
  });
});
