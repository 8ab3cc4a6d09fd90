/**
 * When a click on a plain `<a href>` inside a list of many links is turned into a client-side
 * navigation, by one handler on the list instead of a `<Link>` per link (the library page, ADR 035).
 *
 * The rule is react-router's own for `<Link>` (react-router-dom 6, `shouldProcessLinkClick` and
 * `useLinkClickHandler`): the primary button, no modifier key (those open a new tab or window),
 * no `target` other than `_self`, and nothing earlier already handled the click. Added here
 * because the handler sees any anchor, not one it rendered: no `download` attribute, and the
 * href must be a path on this site (`/…`, not `//host…` or `/\host…`, which browsers read as
 * another host); anything else is left to the browser.
 */
export interface LinkClick {
  /** MouseEvent.button: 0 is the primary button (and a keyboard's Enter on a focused link). */
  button: number;
  metaKey: boolean;
  altKey: boolean;
  ctrlKey: boolean;
  shiftKey: boolean;
  /** Whether an earlier handler already called preventDefault(). */
  defaultPrevented: boolean;
  /** The anchor's `target` attribute, or null without one. */
  target: string | null;
  /** Whether the anchor has a `download` attribute. */
  download: boolean;
  /** The anchor's `href` attribute as written (not resolved), or null without one. */
  href: string | null;
}

/** The path to navigate to on the client, or null when the browser should follow the link itself. */
export function clientNavigationPath(click: LinkClick): string | null {
  if (click.defaultPrevented || click.button !== 0) return null;
  if (click.metaKey || click.altKey || click.ctrlKey || click.shiftKey) return null;
  if (click.target !== null && click.target !== "" && click.target !== "_self") return null;
  if (click.download) return null;
  const href = click.href;
  if (href === null || !href.startsWith("/") || href.startsWith("//") || href.startsWith("/\\")) return null;
  return href;
}
