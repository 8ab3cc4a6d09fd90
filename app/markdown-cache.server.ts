import { renderMarkdown } from "./domain/markdown";
import { singleton } from "./singleton.server";

const MAX_ENTRIES = 1000;

/**
 * Case stages and notes are rendered and sanitized on every page view; the result depends only
 * on the text, so it is kept (a bounded map, oldest dropped first).
 */
export function renderMarkdownCached(markdown: string): string {
  const cache = singleton("rendered-markdown", () => new Map<string, string>());
  const hit = cache.get(markdown);
  if (hit !== undefined) return hit;
  const html = renderMarkdown(markdown);
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(markdown, html);
  return html;
}
