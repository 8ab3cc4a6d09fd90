import { createPath, useLocation, useNavigate } from "@remix-run/react";
import { useCallback, type MouseEvent } from "react";
import { clientNavigationPath } from "~/domain/link-clicks";

/**
 * One click handler for a list of many plain `<a href>` links (put it on the list's element),
 * doing what a `<Link>` on each would do: a click that `clientNavigationPath` accepts is a
 * client-side navigation, replacing the history entry when it leads to the current address, as
 * `<Link>` does; any other click (new tab, download, another site) is the browser's. Without
 * JavaScript the links are ordinary links. Why not `<Link>`: each one costs the server its
 * router hooks on every render, and the library renders fifty (ADR 035).
 */
export function useDelegatedLinkClicks(): (event: MouseEvent<HTMLElement>) => void {
  const navigate = useNavigate();
  const location = useLocation();
  const here = createPath(location);
  return useCallback(
    (event: MouseEvent<HTMLElement>) => {
      const anchor = event.target instanceof Element ? event.target.closest("a") : null;
      if (!anchor || !event.currentTarget.contains(anchor)) return;
      const path = clientNavigationPath({
        button: event.button,
        metaKey: event.metaKey,
        altKey: event.altKey,
        ctrlKey: event.ctrlKey,
        shiftKey: event.shiftKey,
        defaultPrevented: event.defaultPrevented,
        target: anchor.getAttribute("target"),
        download: anchor.hasAttribute("download"),
        href: anchor.getAttribute("href"),
      });
      if (path === null) return;
      event.preventDefault();
      navigate(path, { replace: path === here });
    },
    [navigate, here],
  );
}
