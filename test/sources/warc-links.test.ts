import { describe, expect, it } from 'vitest';
import { capturePath } from '../../src/sources/warc/capture-paths.js';
import { rewriteCapturedLinks } from '../../src/sources/warc/rewrite-captured-links.js';

const CAPTURED = new Set(
  [
    'https://example.org/',
    'https://example.org/docs/guide.html',
    'https://example.org/search?a=1&b=2',
    'https://cdn.example.net/style.css',
    'https://cdn.example.net/img/a.png',
    'https://cdn.example.net/img/a@2x.png',
    'https://cdn.example.net/fonts/f.woff2',
  ].map((url) => capturePath(url)!),
);
const isCaptured = (path: string) => (CAPTURED.has(path) ? path : undefined);
const page = { url: 'https://example.org/docs/index.html', path: 'example.org/docs/index.html' };
const html = (text: string) => rewriteCapturedLinks(text, 'html', page.url, page.path, isCaptured);

describe("a captured page's links, offline", () => {
  it('lead to the captures in the bundle, relative, whatever host or form they were written in', () => {
    expect(html('<a href="guide.html#part">g</a>')).toBe('<a href="guide.html#part">g</a>');
    expect(html('<a href="https://example.org/">home</a>')).toBe('<a href="../index.html">home</a>');
    expect(html("<link href='//cdn.example.net/style.css'>")).toBe('<link href="../../cdn.example.net/style.css">');
    expect(html('<a href=/search?b=2&amp;a=1>s</a>')).toBe('<a href="../search%3Fa%3D1%26b%3D2">s</a>');
  });

  it('send links to what was not captured to the web, absolute', () => {
    expect(html('<a href="missing.html">m</a>')).toBe('<a href="https://example.org/docs/missing.html">m</a>');
    expect(html('<a href="#top">t</a> <a href="mailto:a@example.org">m</a>')).toBe(
      '<a href="#top">t</a> <a href="mailto:a@example.org">m</a>',
    );
  });

  it('rewrite srcset candidates and CSS in style attributes and elements, and style sheets', () => {
    expect(html('<img srcset="https://cdn.example.net/img/a.png 1x, https://cdn.example.net/img/a@2x.png 2x">')).toBe(
      '<img srcset="../../cdn.example.net/img/a.png 1x, ../../cdn.example.net/img/a%402x.png 2x">',
    );
    expect(html('<div style="background:url(\'https://cdn.example.net/img/a.png\')"></div>')).toBe(
      '<div style="background:url(../../cdn.example.net/img/a.png)"></div>',
    );
    const css = '@import "https://example.org/docs/guide.html"; @font-face { src: url(../fonts/f.woff2) }';
    expect(
      rewriteCapturedLinks(css, 'css', 'https://cdn.example.net/img/x.css', 'cdn.example.net/img/x.css', isCaptured),
    ).toBe('@import url(../../example.org/docs/guide.html); @font-face { src: url(../fonts/f.woff2) }');
  });
});

describe('what link rewriting leaves alone, and what it follows', () => {
  it('touches only markup: scripts, comments and text stay as written', () => {
    const script =
      '<script>var data = {a: 1}; el.src = x; new URL(location.href); x = "<a href=\\"/docs/\\">";</script>';
    expect(html(script)).toBe(script);
    expect(html('<!-- <img src="/a.png"> --><p>src = the file, url(x)</p>')).toBe(
      '<!-- <img src="/a.png"> --><p>src = the file, url(x)</p>',
    );
    expect(html('<textarea><a href="/">x</a></textarea>')).toBe('<textarea><a href="/">x</a></textarea>');
    // The start tag of a script is markup: its src is a link.
    expect(html('<script src="/docs/guide.html">if (a < b) x = "<img src=/>";</script>')).toBe(
      '<script src="guide.html">if (a < b) x = "<img src=/>";</script>',
    );
    expect(html('<a title="a > b" href="/">home</a>')).toBe('<a title="a > b" href="../index.html">home</a>');
  });

  it('resolves links against <base href> and then drops it', () => {
    const page = '<head><base href="https://example.org/"><link href="docs/guide.html"></head>';
    expect(html(page)).toBe('<head><base><link href="guide.html"></head>');
  });

  it('reads srcset as the standard does: commas inside a URL belong to it', () => {
    expect(html('<img srcset="https://cdn.example.net/img/w_400,c_fill/a.png 400w, /missing.png 2x">')).toBe(
      '<img srcset="https://cdn.example.net/img/w_400,c_fill/a.png 400w, https://example.org/missing.png 2x">',
    );
  });

  it("follows a meta refresh's URL", () => {
    expect(html('<meta http-equiv="refresh" content="0; URL=https://example.org/docs/guide.html">')).toBe(
      '<meta http-equiv="refresh" content="0; URL=guide.html">',
    );
    expect(html("<META HTTP-EQUIV=Refresh CONTENT='5;url=/gone.html'>")).toBe(
      '<META HTTP-EQUIV=Refresh CONTENT="5;url=https://example.org/gone.html">',
    );
  });

  it('keeps up with a tag left open in a large page', () => {
    const open = `<a ${'x'.repeat(200_000)}`;
    expect(html(open)).toBe(open);
  });
});
