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
