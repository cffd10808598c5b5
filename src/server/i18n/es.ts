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
  externalTitle: 'Este enlace sale de la red local',
  externalExplanation:
    'Lleva a {url}, fuera de esta biblioteca sin conexión. Solo se abrirá en un dispositivo conectado a internet.',
  externalOpenAnyway: 'Intentarlo de todos modos',
  goBack: 'Volver',
  tooManySearches: 'Demasiadas búsquedas a la vez. Espere un momento y vuelva a intentarlo.',
  searchTooSlow: 'La búsqueda tardó demasiado. Pruebe con menos palabras o más precisas.',
  beingReplaced: 'No se buscó, se está reemplazando: {names}.',
  damaged:
    'Esta página está dañada en el disco del servidor. Quien mantiene esta biblioteca puede comprobar el paquete con «ferry verify» y copiarlo de nuevo.',
  bundleBeingReplaced: 'Este paquete se está reemplazando. Inténtelo de nuevo en un momento.',
};
