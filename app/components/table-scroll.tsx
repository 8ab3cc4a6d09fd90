import type { ReactNode } from "react";

/**
 * The box every table sits in: a table wider than the screen (long words in its cells, many
 * columns on a phone) scrolls inside it rather than widening the page. It can take the keyboard's
 * focus, so a keyboard can scroll it too (WCAG 2.1.1; axe "scrollable-region-focusable"), and is
 * named, since a focused box is announced.
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
