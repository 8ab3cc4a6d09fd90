const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * True when a state-changing request comes from another site. Browsers send Origin on every
 * cross-site POST; its absence means a non-browser client, which carries no victim's cookies.
 * An Origin must match the site's whole origin (RFC 6454: scheme, host and port), so a page
 * served over plain http cannot write to the https site of the same name. `protocol` ("http"
 * or "https") and `host` (host[:port]) are the site as the client reached it: behind
 * TRUST_PROXY, as the proxy saw it (X-Forwarded-Proto, X-Forwarded-Host).
 */
export function isCrossSiteWrite(request: { method: string; origin: string | null; protocol: string; host: string | null; secFetchSite: string | null }): boolean {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return false;
  if (request.secFetchSite === "cross-site") return true;
  if (!request.origin) return false;
  if (request.origin === "null" || !request.host) return true;
  try {
    // URL drops default ports and lowercases, so "https://Site:443" and "https://site" are one origin.
    return new URL(request.origin).origin !== new URL(`${request.protocol}://${request.host}`).origin;
  } catch {
    return true;
  }
}
