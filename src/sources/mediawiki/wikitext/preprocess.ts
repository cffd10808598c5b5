import { escapeHtml } from '../../../search/snippet.js';
import { decodeReferences } from '../../../char-references.js';
import { REFERENCES_MARK, type RenderState } from './state.js';

/** Tags whose content is code or markup of an extension we cannot run offline: dropped whole. */
const DROPPED_TAGS =
  'gallery|timeline|imagemap|score|graph|mapframe|maplink|templatedata|templatestyles|inputbox|categorytree|hiero|charinsert|indicator';
const CODE_TAGS = 'pre|syntaxhighlight|source';

function attribute(attributes: string, name: string): string | undefined {
  const match = new RegExp(`${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s/>]+))`, 'i').exec(attributes);
  return match ? (match[1] ?? match[2] ?? match[3])!.trim() : undefined;
}

/**
 * The first steps, on the page and again on what its templates give back: comments out, then the tags whose content is not wikitext
 * (<nowiki>, <pre>, <math>, code) kept as finished HTML, extensions we cannot run dropped, and
 * each <ref> replaced by a marker that becomes a numbered footnote only if it is shown.
 */
export function preprocess(text: string, state: RenderState): string {
  let result = text.replace(/\r\n?/g, '\n');
  result = result.replace(/<!--[\s\S]*?(?:-->|$)/g, '');
  result = result.replace(new RegExp(`<(${DROPPED_TAGS})\\b[^>]*?(?:/>|>[\\s\\S]*?(?:</\\1\\s*>|$))`, 'gi'), '');
  result = result.replace(/<nowiki\s*\/>/gi, '');
  result = result.replace(/<nowiki\s*>([\s\S]*?)(?:<\/nowiki\s*>|$)/gi, (_, content: string) =>
    state.keep(escapeHtml(decodeReferences(content))),
  );
  result = result.replace(
    new RegExp(`<(${CODE_TAGS})\\b([^>]*)>([\\s\\S]*?)(?:</\\1\\s*>|$)`, 'gi'),
    (_, tag: string, attributes: string, content: string) => {
      const inline = tag.toLowerCase() !== 'pre' && /\binline\b/i.test(attributes);
      const code = escapeHtml(content.replace(/^\n+|\n+$/g, ''));
      return inline ? state.keep(`<code>${code}</code>`) : state.keepBlock(`<pre>${code}</pre>`);
    },
  );
  result = result.replace(/<(math|chem|ce|dmath)\b[^>]*>([\s\S]*?)(?:<\/\1\s*>|$)/gi, (_, _tag, content: string) =>
    state.keep(`<code class="math">${escapeHtml(content.trim())}</code>`),
  );
  return extractRefs(result, state);
}

function extractRefs(text: string, state: RenderState): string {
  // List-defined references (<references>…<ref name=x>…</ref>…</references>) give text to names used earlier.
  let result = text.replace(/<references\b[^>]*?(?:\/>|>([\s\S]*?)<\/references\s*>)/gi, (_, inner?: string) => {
    if (inner) {
      for (const match of inner.matchAll(/<ref\b([^>]*)>([\s\S]*?)<\/ref\s*>/gi)) {
        const name = attribute(match[1]!, 'name');
        if (name !== undefined && !state.namedRefText.has(name)) state.namedRefText.set(name, match[2]!);
      }
    }
    return `\n${REFERENCES_MARK}\n`;
  });
  result = result.replace(
    /<ref\b([^>]*?)(?:\/>|>([\s\S]*?)(?:<\/ref\s*>|$))/gi,
    (_, attributes: string, content?: string) => state.refMark(content ?? '', attribute(attributes, 'name')),
  );
  return result;
}

export { attribute };
