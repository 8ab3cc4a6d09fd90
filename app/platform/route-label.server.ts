/**
 * The `route` label of the HTTP metrics (ADR 022): the id of the Remix route that serves a path
 * ("routes/workshops.$id"), never the path itself, so the number of series stays the
 * number of routes however many workshops, codes and hostile URLs there are.
 */
import { LRUCache } from "lru-cache";
import type { ServerBuild } from "@remix-run/node";
import { matchRoutes } from "@remix-run/react";

type RouteObject = Parameters<typeof matchRoutes>[0][number];

/** Label for a path no route matches (there is a catch-all route, so: a path that cannot be decoded). */
export const UNMATCHED_ROUTE = "unmatched";

type Manifest = ServerBuild["routes"];

/** The manifest's flat list as the nested route objects react-router matches against. */
function routeTree(manifest: Manifest, parentId: string | undefined): RouteObject[] {
  return Object.values(manifest)
    .filter((route) => route?.parentId === parentId)
    .map((route) => {
      const children = routeTree(manifest, route!.id);
      const base = { id: route!.id, path: route!.path, caseSensitive: route!.caseSensitive };
      return route!.index ? { ...base, index: true as const } : { ...base, children };
    });
}

/**
 * Returns a function from a request path to the id of the deepest route Remix would match for it
 * (`/workshops/12.data`, single fetch's data request, is labelled as `/workshops/12`).
 */
export function routeLabeler(manifest: Manifest): (pathname: string) => string {
  const tree = routeTree(manifest, undefined);
  // matchRoutes flattens and compiles the whole tree on every call: a busy server spent about 2%
  // of its time labelling. Paths repeat (ids vary, but a room's phones share theirs), so the
  // labels are kept, up to LABEL_CACHE_SIZE paths at a time.
  const labels = new LRUCache<string, string>({ max: LABEL_CACHE_SIZE });
  return (pathname) => {
    const known = labels.get(pathname);
    if (known !== undefined) return known;
    const label = labelOf(pathname);
    labels.set(pathname, label);
    return label;
  };

  function labelOf(pathname: string): string {
    let path = pathname;
    if (path === "/_root.data") path = "/";
    else if (path.endsWith(".data")) path = path.slice(0, -".data".length);
    try {
      const matches = matchRoutes(tree, path);
      return matches?.[matches.length - 1]?.route.id ?? UNMATCHED_ROUTE;
    } catch {
      return UNMATCHED_ROUTE;
    }
  }
}

/** Most paths whose labels are kept (a hostile client inventing paths only empties the cache). */
const LABEL_CACHE_SIZE = 10_000;
