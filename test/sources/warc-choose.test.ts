import { describe, expect, it } from 'vitest';
import type { Capture } from '../../src/sources/warc/captures.js';
import { CaptureChooser, refKey } from '../../src/sources/warc/choose-captures.js';

let ordinal = 0;
function capture(url: string, date: string, extra: Partial<Capture> = {}): Capture {
  return {
    kind: 'response',
    url,
    date,
    status: 200,
    contentType: 'text/html',
    location: undefined,
    digest: `sha1:${url}${date}`,
    refersTo: undefined,
    body: Buffer.alloc(0),
    offset: 0,
    ordinal: ordinal++,
    ...extra,
  };
}

/** The record each bundle path is made of, as input:ordinal. */
function sources(chooser: CaptureChooser): Map<string, string> {
  const chosen = chooser.choose();
  return new Map([...chosen.entries.values()].flat().map((entry) => [entry.path, refKey(entry.source)]));
}

describe('which capture of a URL a bundle keeps', () => {
  const early = capture('https://example.org/about', '2014-03-25T12:18:13Z');
  const late = capture('https://example.org/about', '2014-03-25T12:29:24Z');

  it('is the latest, whatever order the inputs come in, or the nearest to --at', () => {
    const latest = new CaptureChooser();
    latest.offer(late, 0);
    latest.offer(early, 1);
    expect(sources(latest).get('example.org/about')).toBe(refKey({ input: 0, ordinal: late.ordinal }));
    const at = new CaptureChooser(Date.parse('2014-03-25T12:15:00Z'));
    at.offer(early, 0);
    at.offer(late, 0);
    expect(sources(at).get('example.org/about')).toBe(refKey({ input: 0, ordinal: early.ordinal }));
  });

  it('takes a revisit from the payload it repeats, found by digest in another input or by the capture it names', () => {
    const chooser = new CaptureChooser();
    const original = capture('http://example.org/logo.png', '2014-01-01T00:00:00Z', { digest: 'sha1:AAA' });
    chooser.offer(original, 0);
    chooser.offer(
      capture('https://example.org/logo.png', '2014-02-01T00:00:00Z', { kind: 'revisit', digest: 'sha1:AAA' }),
      1,
    );
    const named = capture('https://example.org/a.html', '2014-01-01T00:00:00Z', { digest: undefined });
    chooser.offer(named, 0);
    const revisit = { kind: 'revisit' as const, digest: undefined, refersTo: { url: named.url, date: named.date } };
    chooser.offer(capture('https://example.org/a.html', '2014-02-01T00:00:00Z', revisit), 1);
    chooser.offer(
      capture('https://example.org/lost.html', '2014-02-01T00:00:00Z', { kind: 'revisit', digest: 'sha1:ZZZ' }),
      1,
    );
    const chosen = chooser.choose();
    const made = sources(chooser);
    expect(made.get('example.org/logo.png')).toBe(refKey({ input: 0, ordinal: original.ordinal }));
    expect(made.get('example.org/a.html')).toBe(refKey({ input: 0, ordinal: named.ordinal }));
    expect(made.has('example.org/lost.html')).toBe(false);
    expect(chosen.counts.unresolvedRevisits).toBe(1);
  });

  it('makes 3xx captures redirects, following chains, and drops loops and redirects to nothing captured', () => {
    const chooser = new CaptureChooser();
    const at = '2014-01-01T00:00:00Z';
    chooser.offer(capture('http://www.example.org/', at, { status: 302, location: 'http://example.org/' }), 0);
    chooser.offer(capture('http://example.org/', at, { status: 301, location: 'https://example.org/index.php' }), 0);
    chooser.offer(capture('https://example.org/index.php', at), 0);
    chooser.offer(capture('http://example.org/loop', at, { status: 302, location: 'https://example.org/loop' }), 0);
    chooser.offer(capture('http://example.org/gone', at, { status: 302, location: 'https://elsewhere.net/' }), 0);
    chooser.offer(capture('http://example.org/missing', at, { status: 404 }), 0);
    const chosen = chooser.choose();
    expect(Object.fromEntries(chosen.redirects)).toEqual({
      'www.example.org/index.html': 'example.org/index.php',
      'example.org/index.html': 'example.org/index.php',
    });
    expect(chosen.counts).toMatchObject({ notOk: 2, deadRedirects: 1 });
    expect(chosen.pathOf('http://www.example.org/')).toBe('example.org/index.php');
  });

  it('finds a capture of a style sheet, script or image that differs from a link only in cache-busting parameters', () => {
    const chooser = new CaptureChooser();
    const at = '2014-01-01T00:00:00Z';
    chooser.offer(capture('https://example.org/app.js?ver=5.2', at), 0);
    chooser.offer(capture('https://example.org/style.css', at), 0);
    chooser.offer(capture('https://example.org/sprite.png?size=2&_=1559539894123', at), 0);
    chooser.offer(capture('https://forum.example.org/viewtopic.php?t=111', at), 0);
    const { find } = chooser.choose();
    expect(find('example.org/app.js?ver=5.3')).toBe('example.org/app.js?ver=5.2');
    expect(find('example.org/style.css?v=1559539894')).toBe('example.org/style.css');
    expect(find('example.org/sprite.png?_=1&size=2')).toBe('example.org/sprite.png?_=1559539894123&size=2');
    expect(find('example.org/sprite.png?size=3')).toBeUndefined();
    expect(find('example.org/app.js?lang=fr')).toBeUndefined();
    // For a page, `t` names another page, not a cache.
    expect(find('forum.example.org/viewtopic.php?t=222')).toBeUndefined();
  });

  it('keeps an older capture with a body when the latest leads nowhere', () => {
    const chooser = new CaptureChooser();
    const page = capture('https://example.org/doc.html', '2020-01-01T00:00:00Z');
    chooser.offer(page, 0);
    const consent = { status: 302, location: 'https://consent.example.net/' };
    chooser.offer(capture('https://example.org/doc.html', '2021-01-01T00:00:00Z', consent), 0);
    const image = capture('https://example.org/a.png', '2020-01-01T00:00:00Z');
    chooser.offer(image, 0);
    chooser.offer(
      capture('https://example.org/a.png', '2021-01-01T00:00:00Z', { kind: 'revisit', digest: 'sha1:NONE' }),
      0,
    );
    const made = sources(chooser);
    expect(made.get('example.org/doc.html')).toBe(refKey({ input: 0, ordinal: page.ordinal }));
    expect(made.get('example.org/a.png')).toBe(refKey({ input: 0, ordinal: image.ordinal }));
  });
});
