/** How a call the page made was shown: expanded from the dump, rendered by ferry, as a table, or not at all. */
export type CallOutcome = 'expanded' | 'hand' | 'table' | 'dropped';

export const OUTCOMES: CallOutcome[] = ['expanded', 'hand', 'table', 'dropped'];

/** Counts of template calls per template name and outcome, summed over pages and worker threads. */
export class TemplateCounts {
  readonly byName = new Map<string, Record<CallOutcome, number>>();

  add(name: string, outcome: CallOutcome, count = 1): void {
    const key = normalName(name);
    let counts = this.byName.get(key);
    if (!counts) {
      counts = { expanded: 0, hand: 0, table: 0, dropped: 0 };
      this.byName.set(key, counts);
    }
    counts[outcome] += count;
  }

  merge(other: TemplateCounts | [string, Record<CallOutcome, number>][]): void {
    const entries = other instanceof TemplateCounts ? other.byName : other;
    for (const [name, counts] of entries) for (const outcome of OUTCOMES) this.add(name, outcome, counts[outcome]);
  }

  /** Sums over every name. */
  totals(): Record<CallOutcome, number> {
    const sum = { expanded: 0, hand: 0, table: 0, dropped: 0 };
    for (const counts of this.byName.values()) for (const outcome of OUTCOMES) sum[outcome] += counts[outcome];
    return sum;
  }

  /** The names called most, with their counts. */
  top(limit: number): [string, Record<CallOutcome, number>][] {
    const total = (counts: Record<CallOutcome, number>) => OUTCOMES.reduce((sum, key) => sum + counts[key], 0);
    return [...this.byName].sort((a, b) => total(b[1]) - total(a[1]) || a[0].localeCompare(b[0])).slice(0, limit);
  }

  /** Takes the counts out (to send them from a worker), leaving this empty. */
  drain(): [string, Record<CallOutcome, number>][] {
    const entries = [...this.byName];
    this.byName.clear();
    return entries;
  }
}

/** Template names as MediaWiki matches them: first letter upper case, underscores as spaces. */
function normalName(name: string): string {
  // A parser function's name holds no arguments ({{#invoke:Module|…}} counts as #invoke:Module).
  const clean = name.replace(/[_\s]+/g, ' ').trim();
  return clean.charAt(0).toUpperCase() + clean.slice(1);
}
