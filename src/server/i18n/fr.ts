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
  externalTitle: 'Ce lien sort du réseau local',
  externalExplanation:
    'Il mène à {url}, en dehors de cette bibliothèque hors ligne. Il ne s’ouvrira que sur un appareil connecté à internet.',
  externalOpenAnyway: 'Essayer quand même',
  goBack: 'Revenir',
  tooManySearches: 'Trop de recherches à la fois. Patientez un instant puis réessayez.',
  searchTooSlow: 'La recherche a pris trop de temps. Essayez des mots moins nombreux ou plus précis.',
  beingReplaced: 'Pas cherché, en cours de remplacement : {names}.',
  damaged:
    'Cette page est abîmée sur le disque du serveur. La personne qui gère cette bibliothèque peut vérifier le paquet avec « ferry verify » et le copier à nouveau.',
  bundleBeingReplaced: 'Ce paquet est en cours de remplacement. Réessayez dans un instant.',
};
