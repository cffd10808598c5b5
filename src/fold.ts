/** Case and accents folded away, for keys and matching: "Éte" → "ete". */
export function foldCaseAndAccents(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}
