import type { UiStrings } from './strings.js';

export const fr: UiStrings = {
  library: 'Bibliothèque',
  search: 'Rechercher',
  searchPlaceholderLibrary: 'Rechercher dans la bibliothèque',
  searchPlaceholderBundle: 'Rechercher dans {title}',
  randomPage: 'Page au hasard',
  download: 'Télécharger',
  pages: '{count} pages',
  allLanguages: 'Toutes les langues',
  allTags: 'Tous les thèmes',
  filter: 'Filtrer',
  noBundlesMatch: 'Aucun contenu ne correspond à ces filtres.',
  noResults: 'Aucun résultat pour « {query} ».',
  resultsSummary: 'Résultats {first} à {last} sur {total} pour « {query} ».',
  previous: '← Précédents',
  next: 'Suivants →',
  notFound: 'Introuvable',
  error: 'Erreur',
  backToLibrary: 'Retour à la bibliothèque',
  catalog: 'Catalogue (OPDS)',
};
