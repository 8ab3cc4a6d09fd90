import type { LoaderFunctionArgs } from "@remix-run/node";
import { getUser } from "~/auth.server";
import { db } from "~/db.server";
import type { Audience } from "~/live/broadcaster.server";
import { findWorkshop } from "~/models/workshops.server";
import { currentParticipant, runsWorkshop } from "~/workshop-access.server";
import { recentWorkshopStates, workshopBroadcaster } from "~/workshop-live.server";

const HEARTBEAT_MS = 15_000;

/** Whoever asks sees what they may: the facilitator everything (or the room's view, for the projector), a joined phone the room's view. */
async function audienceFor(request: Request, workshopId: number): Promise<Audience | null> {
  const workshop = await findWorkshop(db(), workshopId);
  if (!workshop) return null;
  const user = await getUser(request);
  if (runsWorkshop(user, workshop)) return new URL(request.url).searchParams.get("view") === "room" ? "room" : "facilitator";
  const participant = await currentParticipant(request, workshop);
  return participant && !participant.removed ? "phone" : null;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const workshopId = Number(params.id);
  if (!Number.isInteger(workshopId) || workshopId <= 0) return new Response("There is no workshop at this address.", { status: 404 });
  const audience = await audienceFor(request, workshopId);
  if (!audience) return new Response("Join the workshop first.", { status: 403 });
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
      disconnect = live.connect(workshopId, { audience, send, write: writeFrame, close });
      heartbeat = setInterval(() => write(": heartbeat\n\n"), HEARTBEAT_MS);
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
