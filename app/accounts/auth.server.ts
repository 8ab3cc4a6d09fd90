import { createCookie, redirect } from "@remix-run/node";
import { readConfig } from "../platform/config.server";
import { db } from "../platform/db.server";
import { cookieKey, type CookiePurpose } from "../domain/cookie-keys";
import { withdrawRights } from "../live/rights.server";
import { can, type Permission } from "../domain/permissions";
import { safeRedirectTarget } from "../domain/redirect-target";
import { createSession, deleteSession, deleteSessionsOfUser, findSessionUser, SESSION_LIFETIME_MS } from "../models/sessions.server";
import { getOrCreateSessionSecret } from "../models/settings.server";
import type { PublicUser } from "../models/users.server";
import { forgetSingleton, singleton } from "../platform/singleton.server";

export type { PublicUser };

/**
 * The cookie-signing secret: SESSION_SECRET, else the one generated and stored on first start.
 * Read once per process; a read that failed (the database away when the first page was asked
 * for) is forgotten, so the next request reads it again instead of failing for the process's life.
 */
export function sessionSecret(): Promise<string> {
  return singleton("session-secret", () => {
    const configured = readConfig().sessionSecret;
    if (configured) return Promise.resolve(configured);
    return getOrCreateSessionSecret(db()).catch((error: unknown) => {
      forgetSingleton("session-secret");
      throw error;
    });
  });
}

/**
 * The keys a cookie of this purpose is signed and checked with (Remix's `secrets`: the first
 * signs, any verifies). Each purpose has its own key derived from the secret, so a value signed
 * as one kind of cookie is refused as another. Session cookies signed before this (with the bare
 * secret) still verify, so nobody was signed out; they stop mattering once those sessions
 * expire (SESSION_LIFETIME_MS), and the bare secret can then be dropped from the list. Device
 * cookies get no such grace: a phone from before simply joins again.
 */
export async function cookieSecrets(purpose: CookiePurpose): Promise<string[]> {
  const secret = await sessionSecret();
  return purpose === "session" ? [cookieKey(secret, "session"), secret] : [cookieKey(secret, purpose)];
}

/** Whether the request came over https (behind TRUST_PROXY, as the proxy saw it): cookies then take the `__Host-` prefix. */
export const isHttps = (request: Request) => new URL(request.url).protocol === "https:";

/** Over HTTPS the cookie takes the `__Host-` prefix, which browsers only accept with Secure and Path=/. */
async function sessionCookie(request: Request) {
  return sessionCookieFor(isHttps(request));
}

async function sessionCookieFor(secure: boolean) {
  return createCookie(secure ? "__Host-casebook_session" : "casebook_session", {
    httpOnly: true,
    sameSite: "lax",
    secure,
    path: "/",
    maxAge: SESSION_LIFETIME_MS / 1000,
    secrets: await cookieSecrets("session"),
  });
}

async function sessionIdFrom(request: Request): Promise<string | null> {
  return sessionIdFromHeader(request.headers.get("Cookie"), isHttps(request));
}

async function sessionIdFromHeader(cookieHeader: string | null, secure: boolean): Promise<string | null> {
  const value: unknown = await (await sessionCookieFor(secure)).parse(cookieHeader);
  return typeof value === "string" ? value : null;
}

/** The signed-in account of a request, or null (no session cookie, a bad signature, an expired or deleted session). */
export async function getUser(request: Request): Promise<PublicUser | null> {
  return getUserFromCookie(request.headers.get("Cookie"), isHttps(request));
}

/**
 * getUser from a Cookie header string (`secure`: the request came over https, so the cookie has
 * the `__Host-` prefix), for code outside Remix that must not keep a web Request: the live
 * stream's endpoint reads the header once and checks again with it on every heartbeat.
 */
export async function getUserFromCookie(cookieHeader: string | null, secure: boolean): Promise<PublicUser | null> {
  const sessionId = await sessionIdFromHeader(cookieHeader, secure);
  if (!sessionId) return null;
  return (await findSessionUser(db(), sessionId)) ?? null;
}

/**
 * Only paths on this site, so a login link can never send someone to another site: see
 * safeRedirectTarget (app/domain/redirect-target.ts), which every redirect to a supplied target uses.
 */
export function safeRedirectPath(target: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  return safeRedirectTarget(target, fallback);
}

export async function requireUser(request: Request): Promise<PublicUser> {
  const user = await getUser(request);
  if (!user) {
    const url = new URL(request.url);
    throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  return user;
}

export async function requirePermission(request: Request, permission: Permission): Promise<PublicUser> {
  const user = await requireUser(request);
  if (!can(user.role, permission)) {
    throw new Response("You do not have permission to open this page.", { status: 403, statusText: "Forbidden" });
  }
  return user;
}

/**
 * Starts a fresh session (a new id on every sign-in) and drops the one the browser had, then sends
 * the browser to `redirectTo` if it is a path on this site (checked again here, whoever called), else home.
 */
export async function signIn(request: Request, userId: number, redirectTo: string): Promise<Response> {
  const previous = await sessionIdFrom(request);
  if (previous) await deleteSession(db(), previous);
  const session = await createSession(db(), userId);
  const cookie = await sessionCookie(request);
  return redirect(safeRedirectTarget(redirectTo, "/"), {
    headers: { "Set-Cookie": await cookie.serialize(session.id, { expires: session.expiresAt }) },
  });
}

export async function signOut(request: Request): Promise<Response> {
  const sessionId = await sessionIdFrom(request);
  if (sessionId) {
    const user = await findSessionUser(db(), sessionId);
    await deleteSession(db(), sessionId);
    // The live streams this session opened (control panel, projector) end with it.
    if (user) withdrawRights({ kind: "user", userId: user.id });
  }
  const cookie = await sessionCookie(request);
  return redirect("/", { headers: { "Set-Cookie": await cookie.serialize("", { maxAge: 0, expires: new Date(0) }) } });
}

/** After a password change every other device is signed out; this one gets a fresh session. */
export async function restartSessions(request: Request, userId: number, redirectTo: string): Promise<Response> {
  await deleteSessionsOfUser(db(), userId);
  const response = await signIn(request, userId, redirectTo);
  // Every stream the old sessions opened ends, this device's too (its page reloads on the new session).
  withdrawRights({ kind: "user", userId });
  return response;
}
