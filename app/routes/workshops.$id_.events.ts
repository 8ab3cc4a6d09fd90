import type { LoaderFunctionArgs } from "@remix-run/node";
import { getUser } from "~/auth.server";
import { db } from "~/db.server";
import { SIGNED_OUT_MESSAGE, type Audience } from "~/live/broadcaster.server";
import { findWorkshop } from "~/models/workshops.server";
import { currentParticipant, runsWorkshop } from "~/workshop-access.server";
import { recentWorkshopStates, workshopBroadcaster } from "~/workshop-live.server";

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
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      let heartbeat: ReturnType<typeof setInterval> | undefined;
      let disconnect = () => {};
      const close = () => {
        if (!open) return;
        open = false;
        clearInterval(heartbeat);
        disconnect();
        try {
          controller.close();
        } catch {
          // Already closed by the client going away.
        }
      };
      const write = (text: string) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          close();
        }
      };
      const send = (event: string, data: string, id: number) => write(`id: ${id}\nevent: ${event}\ndata: ${data}\n\n`);
      cleanup = close;
      request.signal.addEventListener("abort", close);
      // Every connection, first or resumed, starts with the whole current state.
      write("retry: 2000\n\n");
      send("state", initial, live.nextEventId());
      const writeFrame = (frame: Uint8Array) => {
        if (!open) return;
        try {
          controller.enqueue(frame);
        } catch {
          close();
        }
      };
      const connection = { audience, participantId: watcher.participantId, userId: watcher.userId, stillAllowed, send, write: writeFrame, close };
      disconnect = live.connect(workshopId, connection);
      heartbeat = setInterval(() => {
        write(": heartbeat\n\n");
        // An account's stream checks its right on every heartbeat too: a session that expired, or
        // a withdrawal message lost on the way, ends it within HEARTBEAT_MS. (Phones are many and
        // are ended by the withdrawal itself.)
        if (watcher.userId !== undefined) void stillAllowed().then((allowed) => allowed || live.end(connection, SIGNED_OUT_MESSAGE), () => {});
      }, HEARTBEAT_MS);
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    },
  });
}
