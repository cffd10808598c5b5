import { ar } from './ar.js';
import { en } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';
import type { UiLanguage, UiStrings } from './strings.js';

const CATALOGS: Record<UiLanguage, UiStrings> = { en, fr, es, ar };
const RIGHT_TO_LEFT = new Set<UiLanguage>(['ar']);

/** The interface language of one response: its strings and the page's lang and dir. */
export interface Ui {
  lang: UiLanguage;
  dir: 'ltr' | 'rtl';
  t: UiStrings;
}

function uiFor(lang: UiLanguage): Ui {
  return { lang, dir: RIGHT_TO_LEFT.has(lang) ? 'rtl' : 'ltr', t: CATALOGS[lang] };
}

/** Picks the best catalog for an Accept-Language header (RFC 9110 §12.5.4), English by default. */
export function chooseUi(acceptLanguage: string | undefined): Ui {
  const wanted = (acceptLanguage ?? '')
    .split(',')
    .map((part, order) => {
      const [tag = '', ...parameters] = part.trim().split(';');
      const q = parameters.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((value) => value !== undefined);
      return { base: tag.trim().toLowerCase().split('-')[0]!, q: q === undefined ? 1 : Number(q), order };
    })
    .filter((choice) => choice.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
  for (const choice of wanted) {
    if (choice.base in CATALOGS) return uiFor(choice.base as UiLanguage);
  }
  return uiFor('en');
}
