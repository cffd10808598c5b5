import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packSample, serveLibrary, tempFolder } from '../helpers.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request, so paths and headers go out exactly as written. */
function send(
  base: string,
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { hostname, port, path, method: options.method ?? 'GET', headers: options.headers },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
      },
    );
    request.on('error', reject);
    request.end();
  });
}

describe('hostile and malformed requests get a 4xx and the server keeps serving', () => {
  let folder: string;
  let base: string;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    folder = await tempFolder();
    await packSample(folder);
    ({ base, close: stop } = await serveLibrary(folder, { app: { searchRate: 2 } }));
  });
  afterAll(() => stop?.());

  it('refuses every method but GET and HEAD: the server is read-only', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const answer = await send(base, '/content/click_docs_en/index.html', { method });
      expect(answer.status, method).toBe(405);
      expect(answer.headers.allow).toBe('GET, HEAD');
    }
  });

  it('answers traversal, bad percent-encoding, NUL bytes and oversized headers with a 4xx', async () => {
    expect((await send(base, '/content/click_docs_en/..%2F..%2F..%2Fetc%2Fpasswd')).status).toBe(400);
    expect((await send(base, '/content/click_docs_en/%E0%A4%A')).status).toBe(400);
    expect((await send(base, '/content/click_docs_en/a%00.html')).status).toBe(400);
    expect((await send(base, '/viewer/click_docs_en/..%5C..%5Cwin.ini')).status).toBe(400);
    expect((await send(base, '/', { headers: { Cookie: 'x'.repeat(64 * 1024) } })).status).toBe(431);
    expect((await send(base, '/content/click_docs_en/index.html')).status).toBe(200);
  });

  it('answers a malformed range with 416 and ignores units it does not know', async () => {
    const page = '/content/click_docs_en/index.html';
    expect((await send(base, page, { headers: { Range: 'bytes=abc' } })).status).toBe(416);
    expect((await send(base, page, { headers: { Range: 'bytes=5-2' } })).status).toBe(416);
    expect((await send(base, page, { headers: { Range: 'items=0-1' } })).status).toBe(200);
    expect((await send(base, '/download/click_docs_en', { headers: { Range: 'bytes=--1' } })).status).toBe(416);
  });

  it('serves content under a policy that allows only the bundle itself', async () => {
    const policy = (await send(base, '/content/click_docs_en/index.html')).headers['content-security-policy'] as string;
    const own = `${base}/content/click_docs_en/`;
    expect(policy).toBe(
      `default-src ${own} 'unsafe-inline' data: blob:; form-action ${own}; base-uri ${own}; frame-ancestors 'self'`,
    );
  });

  it('limits how fast one client may search', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await send(base, `/api/search?q=option${i}`)).status);
    expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
    expect(statuses).toContain(429);
    const limited = await send(base, '/search?q=again');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    expect(limited.body).toContain('Too many searches at once');
  });
});

describe('a search that runs past its time limit', () => {
  it('is answered 503, and the server goes on', async () => {
    const folder = await tempFolder();
    await packSample(folder);
    const served = await serveLibrary(folder, { app: { searchTimeoutMs: 1 } });
    // The first search loads the shards from disk, which takes longer than 1 ms.
    const answer = await send(served.base, '/api/search?q=option');
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body).error).toContain('took too long');
    expect((await send(served.base, '/')).status).toBe(200);
    await served.close();
  });
});
