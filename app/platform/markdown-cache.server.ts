import { LRUCache } from "lru-cache";
import { renderMarkdown } from "../domain/markdown";
import { log } from "./log.server";
import { singleton } from "./singleton.server";

const MAX_ENTRIES = 1000;

/**
 * Case stages, notes and arguments are rendered and sanitized on every page view; the result
 * depends only on the text, so it is kept (least recently used dropped first, MAX_ENTRIES at most). A text that
 * cannot be rendered is kept as its notice too, so it is logged once, not on every view.
 */
export function renderMarkdownCached(markdown: string): string {
  const cache = singleton("rendered-markdown", () => new LRUCache<string, string>({ max: MAX_ENTRIES }));
  const hit = cache.get(markdown);
  if (hit !== undefined) return hit;
  const html = renderMarkdown(markdown, (reason) => {
    log().warn({ event: "markdown-notice" }, `Markdown shown as a notice instead (${markdown.length} characters, starting ${JSON.stringify(markdown.slice(0, 40))}): ${reason}`);
  });
  cache.set(markdown, html);
  return html;
}
