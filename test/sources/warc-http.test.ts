import { brotliCompressSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeBody, parseHttpMessage } from '../../src/sources/warc/http-block.js';

/** Text that compresses little, so that a cut of a few bytes loses only a few words. */
const WORDS = Array.from({ length: 2000 }, (_, i) => ((i * 7919) % 10007).toString(36)).join(' ');
const PAGE = `<html><body>${WORDS}</body></html>`;

function block(head: string, body: Buffer | string): Buffer {
  return Buffer.concat([Buffer.from(head.replace(/\n/g, '\r\n') + '\r\n'), Buffer.from(body)]);
}

function chunked(body: Buffer, size = 100): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at < body.length; at += size) {
    const piece = body.subarray(at, at + size);
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  }
  return Buffer.concat([...parts, Buffer.from('0\r\n\r\n')]);
}

describe('the HTTP message of a WARC response record', () => {
  it('gives status, headers (first Location only) and body, with LF-only lines and folded headers', () => {
    const message = parseHttpMessage(
      Buffer.from('HTTP/1.0 302 Found\nLocation: /a\nLocation: /b\nX-Long: one\n two\n\nbody'),
    )!;
    expect(message.status).toBe(302);
    expect(message.headers.get('location')).toBe('/a');
    expect(message.headers.get('x-long')).toBe('one two');
    expect(message.body.toString()).toBe('body');
  });

  it('passes over a 100 Continue before the real answer', () => {
    const message = parseHttpMessage(
      block('HTTP/1.1 100 Continue\n\nHTTP/1.1 200 OK\nContent-Type: text/html\n', 'ok'),
    )!;
    expect(message.status).toBe(200);
    expect(message.headers.get('content-type')).toBe('text/html');
  });

  it('is not one when the block is not HTTP', () => {
    expect(parseHttpMessage(Buffer.from('20140325121224\ndata.gov.uk. 1718 IN A 46.43.41.10\n'))).toBeUndefined();
  });

  it('undoes chunks, then the encodings last applied first', () => {
    const twice = brotliCompressSync(gzipSync(PAGE));
    const message = parseHttpMessage(
      block('HTTP/1.1 200 OK\nTransfer-Encoding: chunked\nContent-Encoding: gzip, br\n', chunked(twice)),
    )!;
    expect(decodeBody(message).toString()).toBe(PAGE);
  });

  it('gives what a body cut short holds, and keeps a body that only claims an encoding', () => {
    const gzipped = gzipSync(PAGE);
    const cut = parseHttpMessage(
      block('HTTP/1.1 200 OK\nContent-Encoding: gzip\n', gzipped.subarray(0, gzipped.length - 20)),
    )!;
    const text = decodeBody(cut).toString();
    expect(text.length).toBeGreaterThan(PAGE.length - 200);
    expect(PAGE.startsWith(text)).toBe(true);
    const plain = parseHttpMessage(
      block('HTTP/1.1 200 OK\nContent-Encoding: gzip\nTransfer-Encoding: chunked\n', PAGE),
    )!;
    expect(decodeBody(plain).toString()).toBe(PAGE);
  });
});
