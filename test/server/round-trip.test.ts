import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packSample, serveLibrary, SAMPLE_SITE, tempFolder } from '../helpers.js';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

describe('pack, serve over a real socket, fetch', () => {
  let stopServer: () => Promise<void>;
  let base: string;

  /** A request with exact headers (fetch would decompress and hide Content-Encoding). */
  function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const request = httpRequest(new URL(path, base), { method, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }),
        );
      });
      request.on('error', reject);
      request.end();
    });
  }

  beforeAll(async () => {
    const folder = await tempFolder();
    await packSample(folder);
    const served = await serveLibrary(folder);
    stopServer = served.close;
    base = served.base + '/';
  });
  afterAll(async () => {
    await stopServer?.();
  });

  it('lists the bundle on the library page', async () => {
    const response = await get('/');
    expect(response.status).toBe(200);
    expect(response.body.toString()).toContain('Click 8.1 documentation');
    expect(response.body.toString()).toContain('href="/viewer/click_docs_en/index.html"');
  });

  it('serves pages and assets with their types and exact bytes', async () => {
    const cases: [string, string][] = [
      ['quickstart.html', 'text/html; charset=utf-8'],
      ['_static/click.css', 'text/css; charset=utf-8'],
      ['_static/click-logo.png', 'image/png'],
      ['_static/jquery.js', 'text/javascript; charset=utf-8'],
    ];
    for (const [path, type] of cases) {
      const response = await get(`/content/click_docs_en/${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers['content-type'], path).toBe(type);
      expect(response.body.equals(await readFile(join(SAMPLE_SITE, path))), path).toBe(true);
    }
  });

  it('sends a deflated entry as gzip that decodes to the page', async () => {
    const response = await get('/content/click_docs_en/options.html', { 'Accept-Encoding': 'gzip, deflate' });
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(Number(response.headers['content-length'])).toBe(response.body.length);
    expect(gunzipSync(response.body).equals(await readFile(join(SAMPLE_SITE, 'options.html')))).toBe(true);
  });

  it('answers 304 to a matching ETag, and HEAD without a body', async () => {
    const first = await get('/content/click_docs_en/index.html');
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^".+"$/);
    expect((await get('/content/click_docs_en/index.html', { 'If-None-Match': etag })).status).toBe(304);
    const other = (await get('/content/click_docs_en/api.html')).headers.etag;
    expect(other).not.toBe(etag);
    const head = await get('/content/click_docs_en/index.html', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(Number(head.headers['content-length'])).toBe(first.body.length);
  });

  it('finds the page whose body alone holds a word, first, in JSON and HTML', async () => {
    const api = JSON.parse((await get('/api/search?q=surrogates&bundle=click_docs_en')).body.toString());
    expect(api.hits[0].path).toBe('unicode-support.html');
    // The hit opens at the section about it, whose heading has the word.
    expect(api.hits[0].section).toBe('surrogate-handling');
    expect(api.hits[0].url).toBe('/viewer/click_docs_en/unicode-support.html?section=surrogate-handling');
    const html = (await get('/search?q=surrogates')).body.toString();
    expect(html).toContain('href="/viewer/click_docs_en/unicode-support.html?section=surrogate-handling"');
    const viewer = (await get('/viewer/click_docs_en/unicode-support.html?section=surrogate-handling')).body.toString();
    expect(viewer).toContain('src="/content/click_docs_en/unicode-support.html#surrogate-handling"');
    expect(html).toMatch(/<mark>surrogates?<\/mark>/i);
  });

  it('adds the viewer shim only to pages loaded into a frame, and tells caches so', async () => {
    const framed = await get('/content/click_docs_en/index.html', { 'Sec-Fetch-Dest': 'iframe' });
    const plain = await get('/content/click_docs_en/index.html', { 'Sec-Fetch-Dest': 'document' });
    const source = await readFile(join(SAMPLE_SITE, 'index.html'));
    expect(plain.body.equals(source)).toBe(true);
    expect(framed.body.subarray(0, source.length).equals(source)).toBe(true);
    expect(framed.body.subarray(source.length).toString()).toContain("tell({ferry:'page'");
    expect(framed.headers.vary).toContain('Sec-Fetch-Dest');
    expect(framed.headers.etag).not.toBe(plain.headers.etag);
    const gzipped = await get('/content/click_docs_en/index.html', {
      'Sec-Fetch-Dest': 'iframe',
      'Accept-Encoding': 'gzip',
    });
    expect(gunzipSync(gzipped.body).equals(framed.body)).toBe(true);
  });

  it('suggests titles by prefix, ignoring case', async () => {
    const suggestions = JSON.parse((await get('/api/suggest?q=testing%20CLICK&bundle=click_docs_en')).body.toString());
    expect(suggestions[0]).toEqual({
      title: 'Testing Click Applications — Click Documentation (8.1.x)',
      path: 'testing.html',
      bundle: 'click_docs_en',
      url: '/viewer/click_docs_en/testing.html',
    });
    expect(JSON.parse((await get('/api/suggest?q=zzz')).body.toString())).toEqual([]);
  });

  it('shows a page inside the viewer with the top bar', async () => {
    const html = (await get('/viewer/click_docs_en/testing.html')).body.toString();
    expect(html).toMatch(
      /<iframe id="content" name="content" sandbox="allow-scripts [^"]*" src="\/content\/click_docs_en\/testing\.html"/,
    );
    expect(html).not.toMatch(/sandbox="[^"]*allow-same-origin/);
    expect(html).toContain('action="/search"');
    expect(html).toContain('href="/random?bundle=click_docs_en"');
  });

  it('sends a random page to the viewer', async () => {
    const response = await get('/random?bundle=click_docs_en');
    expect(response.status).toBe(302);
    expect(response.headers.location).toMatch(/^\/viewer\/click_docs_en\/.+\.html$/);
  });

  it('answers 404 for what is not there and 400 for hostile paths, and keeps serving', async () => {
    expect((await get('/content/click_docs_en/nothing.html')).status).toBe(404);
    expect((await get('/content/nobundle/index.html')).status).toBe(404);
    expect((await get('/content/click_docs_en/..%2f..%2fetc%2fpasswd')).status).toBe(400);
    expect((await get('/content/click_docs_en/a%00b')).status).toBe(400);
    expect((await get('/content/click_docs_en/index.html')).status).toBe(200);
  });

  it('offers the bundle file itself for download', async () => {
    const response = await get('/download/click_docs_en');
    expect(response.status).toBe(200);
    expect(response.body.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
    expect(response.headers['content-disposition']).toContain('click_docs_en.ferry');
    const resumed = await get('/download/click_docs_en', { Range: 'bytes=4-' });
    expect(resumed.status).toBe(206);
    expect(resumed.headers['content-range']).toBe(`bytes 4-${response.body.length - 1}/${response.body.length}`);
    expect(resumed.body.equals(response.body.subarray(4))).toBe(true);
    const tail = await get('/download/click_docs_en', { Range: 'bytes=-10' });
    expect(tail.body.equals(response.body.subarray(-10))).toBe(true);
    const beyond = await get('/download/click_docs_en', { Range: `bytes=${response.body.length}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers['content-range']).toBe(`bytes */${response.body.length}`);
    const stale = await get('/download/click_docs_en', { Range: 'bytes=4-', 'If-Range': '"another-version"' });
    expect(stale.status).toBe(200);
  });
});
