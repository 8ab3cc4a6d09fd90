import type { LoaderFunctionArgs } from "@remix-run/node";
import { getUser } from "~/accounts/auth.server";
import { db } from "~/platform/db.server";
import { SIGNED_OUT_MESSAGE, type Audience, type LiveConnection } from "~/live/broadcaster.server";
import { eventStream } from "~/live/event-stream.server";
import { findWorkshop } from "~/models/workshops.server";
import { currentParticipant, runsWorkshop } from "~/workshops/access.server";
import { recentWorkshopStates, workshopBroadcaster } from "~/workshops/live-state.server";

const HEARTBEAT_MS = 15_000;

interface Watcher {
  audience: Audience;
  /** A phone's participant: removing it ends the stream. */
  participantId?: number;
  /** A signed-in account running the workshop: its sessions or role changing makes the stream check again. */
  userId?: number;
}

/** Whoever asks sees what they may: the facilitator everything (or the room's view, for the projector), a joined phone the room's view. */
async function watcherFor(request: Request, workshopId: number): Promise<Watcher | null> {
  const workshop = await findWorkshop(db(), workshopId);
  if (!workshop) return null;
  const user = await getUser(request);
  if (user && runsWorkshop(user, workshop)) return { audience: new URL(request.url).searchParams.get("view") === "room" ? "room" : "facilitator", userId: user.id };
  const participant = await currentParticipant(request, workshop);
  return participant && !participant.removed ? { audience: "phone", participantId: participant.id } : null;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const workshopId = Number(params.id);
  if (!Number.isInteger(workshopId) || workshopId <= 0) return new Response("There is no workshop at this address.", { status: 404 });
  const watcher = await watcherFor(request, workshopId);
  if (!watcher) return new Response("Join the workshop first.", { status: 403 });
  const { audience } = watcher;
  // The same request asks again: the session and role it came with must still let it see this.
  const stillAllowed = async () => (await watcherFor(request, workshopId))?.audience === audience;
  const states = await recentWorkshopStates(workshopId, audience);
  if (!states) return new Response("There is no workshop at this address.", { status: 404 });
  // Only the serialized first event outlives this function: a thousand open streams must not
  // each keep a whole snapshot (with the participant list) alive.
  // recentWorkshopStates built (or found) the snapshot to this audience's detail.
  const initial = JSON.stringify(audience === "facilitator" ? states.facilitator! : audience === "phone" ? states.phone : states.room!);

  const live = workshopBroadcaster();
  let connection: LiveConnection | undefined;
  return eventStream(
    request.signal,
    (send, close) => {
      // Every connection, first or resumed, starts with the whole current state.
      send({ event: "state", data: initial, id: live.nextEventId() });
      connection = { audience, participantId: watcher.participantId, userId: watcher.userId, stillAllowed, send, close };
      return live.connect(workshopId, connection);
    },
    {
      retry: 2000,
      heartbeatMs: HEARTBEAT_MS,
      // An account's stream checks its right on every heartbeat too: a session that expired, or
      // a withdrawal message lost on the way, ends it within HEARTBEAT_MS. (Phones are many and
      // are ended by the withdrawal itself.)
      onHeartbeat: () => {
        const watching = connection;
        if (watching && watcher.userId !== undefined)
          void stillAllowed().then(
            (allowed) => allowed || live.end(watching, SIGNED_OUT_MESSAGE),
            () => {},
          );
      },
    },
  );
}
