import type { UiStrings } from './strings.js';

export const es: UiStrings = {
  library: 'Biblioteca',
  search: 'Buscar',
  searchPlaceholderLibrary: 'Buscar en la biblioteca',
  searchPlaceholderBundle: 'Buscar en {title}',
  randomPage: 'Página al azar',
  download: 'Descargar',
  pages: '{count} páginas',
  allLanguages: 'Todos los idiomas',
  allTags: 'Todas las etiquetas',
  filter: 'Filtrar',
  noBundlesMatch: 'Ningún contenido coincide con estos filtros.',
  noResults: 'No hay resultados para «{query}».',
  resultsSummary: 'Resultados {first}–{last} de {total} para «{query}».',
  previous: '← Anteriores',
  next: 'Siguientes →',
  notFound: 'No encontrado',
  error: 'Error',
  backToLibrary: 'Volver a la biblioteca',
  catalog: 'Catálogo (OPDS)',
};
