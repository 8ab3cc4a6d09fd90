import { useEffect, useRef, useState, type ReactNode, type RefObject } from "react";

/**
 * Overflow below this many pixels is rounding, not scrolling (the narrow-screen test measures
 * the same way).
 */
const SCROLL_TOLERANCE_PX = 1;

/**
 * Whether the element's content is wider than the element, measured in the browser after the
 * page loads and again whenever the element or its content changes size (a turned phone, a
 * `<details>` opened, a live table that grew). `null` until measured: on the server, without
 * JavaScript, and for the first render in the browser (so it matches the server's HTML).
 */
function useScrollsSideways(ref: RefObject<HTMLElement>): boolean | null {
  const [scrolls, setScrolls] = useState<boolean | null>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => setScrolls(element.scrollWidth > element.clientWidth + SCROLL_TOLERANCE_PX);
    measure();
    if (typeof ResizeObserver === "undefined") {
      window.addEventListener("resize", measure);
      return () => window.removeEventListener("resize", measure);
    }
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    for (const child of element.children) observer.observe(child);
    return () => observer.disconnect();
  }, [ref]);
  return scrolls;
}

/**
 * The box every table sits in: a table wider than the screen (long words in its cells, many
 * columns on a phone) scrolls inside it rather than widening the page.
 *
 * While its table scrolls sideways the box takes the keyboard's focus, so a keyboard can scroll it
 * too (WCAG 2.1.1; axe "scrollable-region-focusable"), and is a region named `label`, since a
 * focused box is announced. A box whose table fits is a plain box: no Tab stop and no landmark
 * for nothing. Without JavaScript the page cannot measure, so every box stays focusable and named:
 * an extra Tab stop costs a keypress, an unreachable table costs its content.
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const focusable = useScrollsSideways(ref) !== false;
  return (
    <div ref={ref} className="table-scroll" {...(focusable ? { role: "region", "aria-label": label, tabIndex: 0 } : {})}>
      {children}
    </div>
  );
}
