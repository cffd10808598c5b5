import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UI_POLICY } from '../../src/server/security-headers.js';
import { packSample, runCli, serveLibrary, tempFolder } from '../helpers.js';

const NAME = 'click_docs_en';

/** Every route of the server, with what it answers on the sample bundle. */
const ROUTES: [string, number][] = [
  ['/', 200],
  [`/viewer/${NAME}/`, 200],
  [`/viewer/${NAME}/api.html`, 200],
  [`/viewer/${NAME}`, 302],
  ['/search?q=option', 200],
  ['/api/search?q=option', 200],
  ['/api/suggest?q=op', 200],
  ['/api/bundles', 200],
  [`/download/${NAME}`, 200],
  [`/download/${NAME}.sha256`, 200],
  ['/_ferry/viewer.js', 200],
  ['/_ferry/viewer.css', 200],
  [`/_ferry/illustration/${NAME}`, 200],
  ['/catalog/entries.xml', 200],
  ['/external?url=https://example.org/', 200],
  ['/random', 302],
  [`/content/${NAME}`, 302],
  [`/content/${NAME}/api.html`, 200],
  [`/content/${NAME}/no-such-page.html`, 404],
  ['/no-such-route', 404],
  ['/api/nothing', 404],
  [`/content/${NAME}/%E0%A4%A`, 400],
];

describe('headers on every answer', () => {
  let served: Awaited<ReturnType<typeof serveLibrary>>;

  beforeAll(async () => {
    const folder = await tempFolder();
    const bundle = await packSample(folder);
    expect((await runCli(['publish', bundle, '--base-url', 'http://library.example/ferry/'])).code).toBe(0);
    served = await serveLibrary(folder);
  });
  afterAll(() => served.close());

  it('says nosniff, no referrer and same-origin framing on every route, errors and redirects included', async () => {
    const answers = [
      ...(await Promise.all(
        ROUTES.map(async ([path, status]) => {
          const answer = await fetch(served.base + path, { redirect: 'manual' });
          expect(answer.status, path).toBe(status);
          return [path, answer.headers] as const;
        }),
      )),
      ['POST /', (await fetch(`${served.base}/`, { method: 'POST' })).headers] as const,
    ];
    for (const [path, headers] of answers) {
      expect(headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(headers.get('x-frame-options'), path).toBe('SAMEORIGIN');
      expect(headers.get('content-security-policy'), path).toContain("frame-ancestors 'self'");
    }
  });

  it("gives the server's own pages a strict policy: no inline script, nothing from elsewhere", async () => {
    for (const [path] of ROUTES.filter(([path]) => !path.startsWith('/content/'))) {
      const policy = (await fetch(served.base + path, { redirect: 'manual' })).headers.get('content-security-policy');
      expect(policy, path).toBe(UI_POLICY);
    }
    expect(UI_POLICY).toContain("script-src 'self'");
    expect(UI_POLICY).not.toContain('unsafe');
  });

  it("keeps the bundle's own pages in a policy of their own bundle", async () => {
    const policy = (await fetch(`${served.base}/content/${NAME}/api.html`)).headers.get('content-security-policy');
    expect(policy).toContain(`${served.base}/content/${NAME}/`);
    expect(policy).not.toBe(UI_POLICY);
    const missing = await fetch(`${served.base}/content/${NAME}/no-such-page.html`);
    // The error page is the server's own, with the server's policy.
    expect(missing.headers.get('content-security-policy')).toBe(UI_POLICY);
  });
});
