/** ISO 639-1 codes (as wiki subdomains and Gutenberg's catalog have them) to ISO 639-3 (as bundles do). */
export const ISO_639_3: Record<string, string> = {
  ar: 'ara',
  bg: 'bul',
  bn: 'ben',
  ca: 'cat',
  cs: 'ces',
  cy: 'cym',
  da: 'dan',
  de: 'deu',
  el: 'ell',
  en: 'eng',
  eo: 'epo',
  es: 'spa',
  et: 'est',
  eu: 'eus',
  fa: 'fas',
  fi: 'fin',
  fr: 'fra',
  ga: 'gle',
  gl: 'glg',
  he: 'heb',
  hi: 'hin',
  hr: 'hrv',
  hu: 'hun',
  hy: 'hye',
  id: 'ind',
  is: 'isl',
  it: 'ita',
  ja: 'jpn',
  ka: 'kat',
  ko: 'kor',
  la: 'lat',
  lt: 'lit',
  lv: 'lav',
  mk: 'mkd',
  ms: 'msa',
  nl: 'nld',
  nn: 'nno',
  no: 'nob',
  pl: 'pol',
  pt: 'por',
  ro: 'ron',
  ru: 'rus',
  simple: 'eng',
  sk: 'slk',
  sl: 'slv',
  sq: 'sqi',
  sr: 'srp',
  sv: 'swe',
  sw: 'swa',
  ta: 'tam',
  th: 'tha',
  tr: 'tur',
  uk: 'ukr',
  ur: 'urd',
  vi: 'vie',
  zh: 'zho',
};

/** The ISO 639-3 code of a language tag as HTML's `lang` has it (`de`, `de-AT`, `deu`), or undefined. */
export function languageOfTag(tag: string): string | undefined {
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return ISO_639_3[primary] ?? (/^[a-z]{3}$/.test(primary) ? primary : undefined);
}

/** A bundle's language list: the ISO 639-3 codes of `codes` (639-1), most frequent first. */
export function languageList(codes: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const code of codes) {
    const long = languageOfTag(code);
    if (long) counts.set(long, (counts.get(long) ?? 0) + 1);
  }
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([code]) => code);
  return sorted.length > 0 ? sorted.join(',') : undefined;
}
