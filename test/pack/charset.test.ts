import { describe, expect, it } from 'vitest';
import { decodeText, detectCharset, withCharset } from '../../src/pack/charset.js';

const latin1 = (text: string) => Buffer.from(text, 'latin1');
const page = (meta: string, body: Buffer) => Buffer.concat([Buffer.from(`<html><head>${meta}</head><body>`), body]);

describe('the charset of a text entry, found at pack time', () => {
  it('takes the encoding a page declares when its bytes agree', () => {
    const data = page('<meta charset="iso-8859-1">', latin1('Träumen'));
    expect(withCharset('text/html', data)).toBe('text/html; charset=windows-1252');
    expect(decodeText(data, withCharset('text/html', data))).toContain('Träumen');
    const russian = page(
      '<META http-equiv="Content-Type" content="text/html; CHARSET=WINDOWS-1251">',
      Buffer.from([0xcc, 0xee, 0xf1, 0xea, 0xe2, 0xe0]),
    );
    expect(decodeText(russian, withCharset('text/html', russian))).toContain('Москва');
  });

  it('believes the bytes over a declaration that lies', () => {
    // Saved again as UTF-8 under its old Latin-1 <meta>, and the other way round.
    expect(detectCharset(page('<meta charset="iso-8859-1">', Buffer.from('Träumen')), 'text/html')).toBe('utf-8');
    expect(detectCharset(page('<meta charset="utf-8">', latin1('Träumen')), 'text/html')).toBe('windows-1252');
    expect(detectCharset(latin1('café'), 'text/plain')).toBe('windows-1252');
  });

  it('lets a byte-order mark decide, and keeps a declared label for plain ASCII', () => {
    expect(detectCharset(Buffer.from([0xff, 0xfe, 0x41, 0x00]), 'text/plain')).toBe('utf-16le');
    expect(detectCharset(page('<meta charset="ISO-8859-1">', Buffer.from('plain')), 'text/html')).toBe('windows-1252');
    expect(detectCharset(Buffer.from('body { color: red }'), 'text/css')).toBe('utf-8');
    expect(detectCharset(Buffer.concat([Buffer.from('@charset "iso-8859-15";'), latin1('é')]), 'text/css')).toBe(
      'iso-8859-15',
    );
  });

  it('leaves other types, and types already labelled, as they are', () => {
    expect(withCharset('image/png', Buffer.from([0x89, 0x50]))).toBe('image/png');
    expect(withCharset('text/html; charset=utf-8', latin1('é'))).toBe('text/html; charset=utf-8');
  });
});
