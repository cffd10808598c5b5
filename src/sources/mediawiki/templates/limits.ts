/**
 * MediaWiki's default limits on expansion ($wgMaxTemplateDepth, $wgMaxPPExpandDepth,
 * $wgMaxPPNodeCount, and the post-expand include size of $wgMaxArticleSize), and the error text
 * it puts in the page when one is reached.
 */
export const LIMITS = {
  templateDepth: 100,
  expandDepth: 100,
  nodeCount: 1_000_000,
  /** Characters of template output a page may include (2 MB in MediaWiki, counted in bytes). */
  includeSize: 2 * 1024 * 1024,
  /**
   * Characters all of a page's template expansions may make, nested ones counted again: what
   * keeps a template that doubles its output at every level from filling the memory before the
   * include size is checked.
   */
  expandedSize: 32 * 1024 * 1024,
};

export type LimitKind = 'loop' | 'template-depth' | 'expand-depth' | 'node-count';

/** MediaWiki's own error text for a limit, as an error span. */
export function limitError(kind: LimitKind, title = ''): string {
  const message = {
    loop: `Template loop detected: [[:${title}]]`,
    'template-depth': `Template recursion depth limit exceeded (${LIMITS.templateDepth})`,
    'expand-depth': 'Expansion depth limit exceeded',
    'node-count': 'Node-count limit exceeded',
  }[kind];
  return `<span class="error">${message}</span>`;
}
