import lunr from 'lunr';

/**
 * Word boundaries for documentation: white space and punctuation split words, but `.` and `_`
 * do not, so `json.dumps(obj)` yields the token `json.dumps`, which people search for whole.
 */
export const SEPARATOR = /[\s\-()[\]{},;:=<>"'`!?*&|+/\\@#%^~$\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]+/;

const PARTS = /[._]+/;

/**
 * A pipeline step that keeps an identifier whole and adds its parts: `os.path.join` also
 * indexes `os`, `path` and `join`, so both `join` and `os.path.join` find the page.
 */
export const identifierParts: lunr.PipelineFunction = (token) => {
  const text = token.toString();
  if (!PARTS.test(text)) return token;
  const parts = text.split(PARTS).filter((part) => part.length > 1);
  return [token, ...parts.map((part) => token.clone(() => part))];
};

lunr.Pipeline.registerFunction(identifierParts, 'ferryIdentifierParts');

export function useDocumentationTokens(): void {
  lunr.tokenizer.separator = SEPARATOR;
}
