/** Who may see and do what with a workshop: its facilitator (or an admin), or a joined device. */
import { createCookie } from "@remix-run/node";
import { createHmac, randomBytes } from "node:crypto";
import { cookieSecrets, isHttps, requirePermission, sessionSecret, type PublicUser } from "../accounts/auth.server";
import { serverKey } from "../domain/cookie-keys";
import { db } from "../platform/db.server";
import { can } from "../domain/permissions";
import { findWorkshop, type Workshop } from "../models/workshops.server";
import { findParticipant, hashDeviceToken, type Participant } from "../models/participants.server";
import { findCaseVersionDocument } from "../models/cases.server";
import { renderMarkdownCached } from "../platform/markdown-cache.server";
import { roleName } from "../domain/role-assignment";
import { readWholeNumber } from "../domain/whole-number";

/** A workshop is run by the facilitator who made it; admins may open any. */
export function runsWorkshop(user: Pick<PublicUser, "id" | "role"> | null, workshop: Pick<Workshop, "facilitatorUserId">): boolean {
  return user !== null && can(user.role, "workshops.run") && (workshop.facilitatorUserId === user.id || user.role === "admin");
}

export async function requireWorkshopFacilitator(request: Request, idParam: string | undefined): Promise<{ user: PublicUser; workshop: Workshop }> {
  const user = await requirePermission(request, "workshops.run");
  const id = readWholeNumber(idParam, { min: 1 });
  const workshop = id === null ? undefined : await findWorkshop(db(), id);
  if (!workshop) throw new Response("There is no workshop at this address.", { status: 404 });
  if (!runsWorkshop(user, workshop)) {
    throw new Response("Only this workshop's facilitator can open it.", { status: 403 });
  }
  return { user, workshop };
}

/**
 * The facilitator notes of the case version a workshop runs, rendered, for its control panel:
 * null when the case has none or the viewer's role may not read notes ("case.read-facilitator-notes";
 * every role that runs workshops may today). Withheld by the server, never hidden by CSS.
 */
export async function facilitatorNotesHtml(user: Pick<PublicUser, "role">, workshop: Pick<Workshop, "caseVersionId">): Promise<string | null> {
  if (!can(user.role, "case.read-facilitator-notes")) return null;
  const doc = await findCaseVersionDocument(db(), workshop.caseVersionId);
  return doc.facilitatorNotes?.trim() ? renderMarkdownCached(doc.facilitatorNotes) : null;
}

/** A role and its brief, rendered by the sanitizing Markdown renderer. */
export interface RoleCard {
  key: string;
  name: string;
  html: string;
}

/**
 * A phone's role card in a role-play workshop (ADR 028): the name and brief of the role this
 * participant plays, and no other role's; null before roles are assigned or in an ordinary room.
 * Read by the phone's own loader, never put in the room's shared state or stream.
 */
export async function roleCardFor(workshop: Pick<Workshop, "roles" | "caseVersionId">, participant: Pick<Participant, "role" | "removed">): Promise<RoleCard | null> {
  if (!workshop.roles || participant.removed || participant.role === null || !workshop.roles.includes(participant.role)) return null;
  const doc = await findCaseVersionDocument(db(), workshop.caseVersionId);
  const brief = doc.roles.find((r) => r.perspective === participant.role);
  return brief ? { key: brief.perspective, name: roleName(brief.perspective), html: renderMarkdownCached(brief.markdown) } : null;
}

/**
 * Every role brief of a role-play room's case, for the control panel of the one who runs that
 * room (its facilitator or an admin: the caller checked `runsWorkshop`). ADR 028: the person
 * running a role-play needs what each side was told; the case's source stays without briefs for
 * facilitators (ADR 027). Null for an ordinary workshop.
 */
export async function roomRoleBriefs(workshop: Pick<Workshop, "roles" | "caseVersionId">): Promise<RoleCard[] | null> {
  if (!workshop.roles) return null;
  const doc = await findCaseVersionDocument(db(), workshop.caseVersionId);
  return workshop.roles.flatMap((role) => {
    const brief = doc.roles.find((r) => r.perspective === role);
    return brief ? [{ key: role, name: roleName(role), html: renderMarkdownCached(brief.markdown) }] : [];
  });
}

/** A long-lived random token per device, so a reload or a lost connection rejoins as the same participant. */
async function deviceCookie(secure: boolean) {
  return createCookie(secure ? "__Host-casebook_device" : "casebook_device", {
    httpOnly: true,
    sameSite: "lax",
    secure,
    path: "/",
    maxAge: 60 * 60 * 24 * 365,
    secrets: await cookieSecrets("device"),
  });
}

/** The device token from a Cookie header (over https the cookie has the __Host- prefix). */
export async function readDeviceTokenFrom(cookieHeader: string | null, secure: boolean): Promise<string | null> {
  const value: unknown = await (await deviceCookie(secure)).parse(cookieHeader);
  return typeof value === "string" && value.length >= 32 ? value : null;
}

export function readDeviceToken(request: Request): Promise<string | null> {
  return readDeviceTokenFrom(request.headers.get("Cookie"), isHttps(request));
}

/** The Set-Cookie header that gives a phone its device token. */
export async function deviceCookieHeader(request: Request, token: string): Promise<string> {
  return (await deviceCookie(isHttps(request))).serialize(token);
}

/** A new phone's seed: 256 random bits, base64url. Not a token: only `deviceTokenMinter` makes one of it. */
export function newDeviceSeed(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * Makes a new phone's device token from its seed, with a key only the server has (HMAC-SHA256
 * under a key derived from the cookie secret, `serverKey`). A join keeps the seed with its first
 * answer (ADR 016), so a repeat of the join from a phone that never got the first answer's
 * cookie gets the same device, while the kept answers hold no token. Ask for it before a
 * transaction: the secret may have to be read from the database the first time.
 */
export async function deviceTokenMinter(): Promise<(seed: string) => string> {
  const key = serverKey(await sessionSecret(), "device token");
  return (seed) => createHmac("sha256", key).update(seed).digest("base64url");
}

/** The participant this request's device joined `workshop` as (removed or not), or null. */
export function currentParticipant(request: Request, workshop: Pick<Workshop, "id">): Promise<Participant | null> {
  return currentParticipantFrom(request.headers.get("Cookie"), isHttps(request), workshop);
}

/**
 * currentParticipant from a Cookie header string (`secure`: over https, the `__Host-` cookie),
 * for code outside Remix that must not keep a web Request (the live stream's endpoint).
 */
export async function currentParticipantFrom(cookieHeader: string | null, secure: boolean, workshop: Pick<Workshop, "id">): Promise<Participant | null> {
  const token = await readDeviceTokenFrom(cookieHeader, secure);
  if (!token) return null;
  return (await findParticipant(db(), workshop.id, hashDeviceToken(token))) ?? null;
}
