interface Suggestion {
  title: string;
  url: string;
}

const DELAY_MS = 150;

/**
 * Fills the search box's datalist with titles from /api/suggest; choosing a title that was
 * suggested opens that page instead of searching for it.
 */
export function attachSuggestions(form: HTMLFormElement): void {
  const input = form.querySelector('input[name="q"]');
  const list = form.querySelector('datalist');
  if (!(input instanceof HTMLInputElement) || !list) return;
  const scope = form.querySelector('input[name="bundle"]');
  const bundle = scope instanceof HTMLInputElement ? scope.value : '';
  const urls = new Map<string, string>();
  let timer: number | undefined;
  let latest = 0;

  const fetchSuggestions = async () => {
    const query = input.value.trim();
    const ticket = ++latest;
    if (query.length === 0) return;
    const parameters = new URLSearchParams({ q: query, limit: '8' });
    if (bundle) parameters.set('bundle', bundle);
    const response = await fetch(`/api/suggest?${parameters.toString()}`);
    if (!response.ok || ticket !== latest) return;
    const suggestions = (await response.json()) as Suggestion[];
    urls.clear();
    list.textContent = '';
    for (const suggestion of suggestions) {
      urls.set(suggestion.title, suggestion.url);
      const option = document.createElement('option');
      option.value = suggestion.title;
      list.appendChild(option);
    }
  };

  input.addEventListener('input', (event) => {
    window.clearTimeout(timer);
    // Picking from the list replaces the text; typing a title out does not open it mid-word.
    const picked = !(event instanceof InputEvent) || event.inputType === 'insertReplacementText';
    const url = urls.get(input.value);
    if (picked && url) {
      window.location.href = url;
      return;
    }
    timer = window.setTimeout(() => void fetchSuggestions().catch(() => undefined), DELAY_MS);
  });
  form.addEventListener('submit', (event) => {
    const url = urls.get(input.value);
    if (url) {
      event.preventDefault();
      window.location.href = url;
    }
  });
}
