import { describe, expect, it } from 'vitest';
import { chooseUi } from '../../src/server/i18n/choose.js';
import { ar } from '../../src/server/i18n/ar.js';
import { en } from '../../src/server/i18n/en.js';
import { es } from '../../src/server/i18n/es.js';
import { fr } from '../../src/server/i18n/fr.js';

describe('interface languages', () => {
  it('follow Accept-Language, with its q-values, and fall back to English', () => {
    expect(chooseUi('fr-CH, fr;q=0.9, en;q=0.8').lang).toBe('fr');
    expect(chooseUi('de, es;q=0.5, en;q=0.4').lang).toBe('es');
    expect(chooseUi('en;q=0.1, ar;q=0.9').lang).toBe('ar');
    expect(chooseUi('fr;q=0, de').lang).toBe('en');
    expect(chooseUi(undefined).lang).toBe('en');
  });

  it('write Arabic right to left and the others left to right', () => {
    expect(chooseUi('ar').dir).toBe('rtl');
    expect(chooseUi('es').dir).toBe('ltr');
  });

  it('have every string translated in every catalog', () => {
    for (const catalog of [fr, es, ar]) {
      expect(Object.keys(catalog).sort()).toEqual(Object.keys(en).sort());
      for (const [key, value] of Object.entries(catalog)) expect(value, key).not.toBe('');
    }
  });
});
