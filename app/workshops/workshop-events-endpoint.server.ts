/**
 * `GET /workshops/:id/events`: a workshop's live stream (Server-Sent Events), served by Express
 * ahead of Remix (docs/decisions/039-live-stream-endpoint.md).
 *
 * Why outside Remix: a room of 10,000 phones holds 10,000 streams open on one process, and each
 * stream through Remix kept a web Request, its AbortSignal, a ReadableStream and the adapter's
 * pipe alive for as long as it was open (about 20 KB an idle stream), and paid Remix's route
 * matching on every connect. Here a stream keeps the Node response, the broadcaster's
 * connection, and for the recheck only the Cookie header string and ids.
 *
 * Who may watch (ADR 020, ADR 036): the workshop's facilitator or an admin (everything, or the
 * room's view with `?view=room`, the projector), or a device that joined and was not removed (the
 * phones' view). Others get 403 "Join the workshop first." (so does an unknown workshop, as
 * before); an id that cannot be one gets 404.
 * Every stream starts with a `state` event holding the whole current state, sets `retry: 2000`,
 * and has a heartbeat every HEARTBEAT_MS, on which an account's stream checks its right again.
 */
import { readWholeNumber } from "../domain/whole-number";
import express, { type ErrorRequestHandler, type Router } from "express";
import { isConnectionLoss } from "../../db/connection-loss";
import { getUserFromCookie } from "../accounts/auth.server";
import { SIGNED_OUT_MESSAGE, type Audience, type LiveConnection, type WorkshopBroadcaster } from "../live/broadcaster.server";
import { serveEventStream } from "../live/event-stream.server";
import { findWorkshop } from "../models/workshops.server";
import { answerUnavailable } from "../platform/database-outage.server";
import { databaseOutage, db } from "../platform/db.server";
import { errorFields, log } from "../platform/log.server";
import { currentParticipantFrom, runsWorkshop } from "./access.server";
import { recentWorkshopStates, workshopBroadcaster } from "./live-state.server";

export const WORKSHOP_EVENTS_PATH = "/workshops/:id/events";
/**
 * The stream's route label in the HTTP metrics: the id of the Remix route it replaced, so
 * dashboards and alerts written for it keep working.
 */
export const WORKSHOP_EVENTS_ROUTE_LABEL = "routes/workshops.$id_.events";

/** A comment line this often keeps proxies from closing an idle stream (ADR 020), in ms. */
export const HEARTBEAT_MS = 15_000;
/** The client's reconnection delay after a stream ends, in ms. */
const RETRY_MS = 2000;

const NO_WORKSHOP = "There is no workshop at this address.";
const NOT_JOINED = "Join the workshop first.";

interface Watcher {
  audience: Audience;
  /** A phone's participant: removing it ends the stream. */
  participantId?: number;
  /** A signed-in account running the workshop: its sessions or role changing makes the stream check again. */
  userId?: number;
}

/** Who asks, as the request showed it once: only strings and flags, never the request. */
interface Asker {
  cookieHeader: string | null;
  /** Over https (behind TRUST_PROXY, as the proxy saw it): the cookies have the `__Host-` prefix. */
  secure: boolean;
  /** `?view=room`: the facilitator's projector asks for the room's view. */
  roomView: boolean;
}

/**
 * What `asker` may see of the workshop: the facilitator everything (or the room's view, for the
 * projector), a joined phone the phones' view; null for anyone else or no such workshop.
 */
async function watcherFor(asker: Asker, workshopId: number): Promise<Watcher | null> {
  const workshop = await findWorkshop(db(), workshopId);
  if (!workshop) return null;
  const user = await getUserFromCookie(asker.cookieHeader, asker.secure);
  if (user && runsWorkshop(user, workshop)) return { audience: asker.roomView ? "room" : "facilitator", userId: user.id };
  const participant = await currentParticipantFrom(asker.cookieHeader, asker.secure, workshop);
  return participant && !participant.removed ? { audience: "phone", participantId: participant.id } : null;
}

/**
 * What an open stream keeps for its whole life: the broadcaster's connection, and for checking
 * its right again only the asker's strings and the ids. Made outside the request's handler so
 * that nothing of the handler (the first state's text, the snapshot) stays reachable from the
 * closures that live as long as the stream.
 */
function followWorkshop(live: WorkshopBroadcaster, workshopId: number, watcher: Watcher, asker: Asker) {
  const { audience, participantId, userId } = watcher;
  // The same asker asks again: the session and role it came with must still let it see this.
  const stillAllowed = async () => (await watcherFor(asker, workshopId))?.audience === audience;
  let connection: LiveConnection | undefined;
  return {
    connect(send: LiveConnection["send"], close: () => void): () => void {
      connection = { audience, participantId, userId, stillAllowed, send, close };
      return live.connect(workshopId, connection);
    },
    // An account's stream checks its right on every heartbeat too: a session that expired, or a
    // withdrawal message lost on the way, ends it within HEARTBEAT_MS. (Phones are many and are
    // ended by the withdrawal itself.)
    onHeartbeat(): void {
      const watching = connection;
      if (watching && userId !== undefined)
        void stillAllowed().then(
          (allowed) => allowed || live.end(watching, SIGNED_OUT_MESSAGE),
          () => {},
        );
    },
  };
}

function refuse(res: express.Response, status: 403 | 404, message: string): void {
  res.status(status).type("text/plain").set("Cache-Control", "no-store").send(message);
}

/** The Express router serving WORKSHOP_EVENTS_PATH; mount it ahead of Remix (server.ts). */
export function workshopEventsEndpoint(): Router {
  const router = express.Router();

  router.get(WORKSHOP_EVENTS_PATH, async (req, res, next) => {
    try {
      // Read as the Remix route and the workshop pages read `params.id` (requireWorkshopFacilitator).
      const workshopId = readWholeNumber(req.params.id, { min: 1 });
      if (workshopId === null) return refuse(res, 404, NO_WORKSHOP);
      // Read once; the stream and its rechecks keep these strings, not the request.
      // The view as URLSearchParams reads it (the first `view`), as the Remix route did.
      const view = new URLSearchParams(req.originalUrl.split("?")[1] ?? "").get("view");
      const asker: Asker = { cookieHeader: req.get("cookie") ?? null, secure: req.secure, roomView: view === "room" };
      const watcher = await watcherFor(asker, workshopId);
      // A workshop that does not exist is refused like one the asker may not watch (as the Remix
      // route did): 404 only for an id that cannot be one, or a workshop gone since the check.
      if (!watcher) return refuse(res, 403, NOT_JOINED);
      const states = await recentWorkshopStates(workshopId, watcher.audience);
      if (!states) return refuse(res, 404, NO_WORKSHOP);
      // recentWorkshopStates built (or found) the snapshot to this audience's detail.
      const initial = JSON.stringify(watcher.audience === "facilitator" ? states.facilitator! : watcher.audience === "phone" ? states.phone : states.room!);
      const live = workshopBroadcaster();
      const follower = followWorkshop(live, workshopId, watcher, asker);
      serveEventStream(
        res,
        (send, close) => {
          // Every connection, first or resumed, starts with the whole current state.
          send({ event: "state", data: initial, id: live.nextEventId() });
          return follower.connect(send, close);
        },
        { retry: RETRY_MS, heartbeatMs: HEARTBEAT_MS, onHeartbeat: follower.onHeartbeat },
      );
    } catch (error) {
      next(error);
    }
  });

  // Before the stream starts, a database gone away is the outage's 503 with Retry-After (ADR 019),
  // anything else a 500 without details (logged here); never a stack trace.
  const answerErrors: ErrorRequestHandler = (error: unknown, req, res, next) => {
    // A client's fault Express found (a path it cannot decode: 400) goes on to the server's own answer.
    const status = (error as { status?: unknown } | null)?.status;
    if (res.headersSent || (typeof status === "number" && status >= 400 && status < 500)) return next(error);
    if (isConnectionLoss(error) || databaseOutage().down) {
      answerUnavailable(req, res);
      return;
    }
    log().error({ event: "request-failed", method: "GET", route: WORKSHOP_EVENTS_PATH, ...errorFields(error) }, "A live stream could not be opened");
    res.status(500).type("text/plain").set("Cache-Control", "no-store").send("Something went wrong; the page will try again.");
  };
  router.use(WORKSHOP_EVENTS_PATH, answerErrors);
  return router;
}
