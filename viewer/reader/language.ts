import ar from 'lunr-languages/lunr.ar.js';
import da from 'lunr-languages/lunr.da.js';
import de from 'lunr-languages/lunr.de.js';
import es from 'lunr-languages/lunr.es.js';
import fi from 'lunr-languages/lunr.fi.js';
import fr from 'lunr-languages/lunr.fr.js';
import hu from 'lunr-languages/lunr.hu.js';
import it from 'lunr-languages/lunr.it.js';
import nl from 'lunr-languages/lunr.nl.js';
import no from 'lunr-languages/lunr.no.js';
import pt from 'lunr-languages/lunr.pt.js';
import ro from 'lunr-languages/lunr.ro.js';
import ru from 'lunr-languages/lunr.ru.js';
import support from 'lunr-languages/lunr.stemmer.support.js';
import sv from 'lunr-languages/lunr.sv.js';
import tr from 'lunr-languages/lunr.tr.js';
import vi from 'lunr-languages/lunr.vi.js';
import { languagePlugins, type LanguageModule } from '../../src/search/language-plugins.js';

/**
 * src/search/language.ts for the browser: the same languages, imported ahead (a browser has no
 * require), so that a query is stemmed exactly as the index was.
 */
const MODULES: Record<string, LanguageModule> = Object.fromEntries(
  Object.entries({ ar, da, de, es, fi, fr, hu, it, nl, no, pt, ro, ru, sv, tr, vi }).map(([code, module]) => [
    `lunr.${code}.js`,
    module as unknown as LanguageModule,
  ]),
);
MODULES['lunr.stemmer.support.js'] = support as unknown as LanguageModule;

export const languagePlugin = languagePlugins((file) => MODULES[file]);
