import { renderMarkdown } from "./domain/markdown";
import { log } from "./log.server";
import { singleton } from "./singleton.server";

const MAX_ENTRIES = 1000;

/**
 * Case stages, notes and arguments are rendered and sanitized on every page view; the result
 * depends only on the text, so it is kept (a bounded map, oldest dropped first). A text that
 * cannot be rendered is kept as its notice too, so it is logged once, not on every view.
 */
export function renderMarkdownCached(markdown: string): string {
  const cache = singleton("rendered-markdown", () => new Map<string, string>());
  const hit = cache.get(markdown);
  if (hit !== undefined) return hit;
  const html = renderMarkdown(markdown, (reason) => {
    log().warn({ event: "markdown-notice" }, `Markdown shown as a notice instead (${markdown.length} characters, starting ${JSON.stringify(markdown.slice(0, 40))}): ${reason}`);
  });
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(markdown, html);
  return html;
}
