import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useRevalidator } from "@remix-run/react";
import QRCode from "qrcode";
import { useLiveState } from "~/components/use-live-state";
import { CaseStage, LiveStatusBadge, RoomGapLine, RoundTallies, ShiftTable } from "~/components/workshop-panels";
import { isVoteStage } from "~/domain/workshop-stages";
import { isolate } from "~/domain/bidi";
import { requireWorkshopFacilitator } from "~/workshop-access.server";
import { loadWorkshopStates } from "~/workshop-live.server";

/** The projector fills the screen: no site header or footer. */
export const handle = { chrome: false };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${isolate(data.state.title)} · Projector` : "Projector" }];

/** The room's view on the big screen: only what the room may see, even though the facilitator opens it. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { workshop } = await requireWorkshopFacilitator(request, params.id);
  const states = (await loadWorkshopStates(workshop.id))!;
  const origin = new URL(request.url).origin;
  const joinUrl = `${origin}/join/${workshop.code}`;
  return { state: states.room, joinHost: `${origin.replace(/^https?:\/\//, "")}/join`, qrSvg: await QRCode.toString(joinUrl, { type: "svg", margin: 1 }) };
}

export default function Projector() {
  const data = useLoaderData<typeof loader>();
  const revalidator = useRevalidator();
  // Signed out, or no longer allowed to run this workshop: reloading the data takes the page to the sign-in.
  const { state, status } = useLiveState(`/workshops/${data.state.workshopId}/events?view=room`, data.state, undefined, () => revalidator.revalidate());
  const showTallies = state.round !== null && state.tallies.some((t) => t.round === state.round);
  return (
    <div className="projector" data-stage={state.stage}>
      <header className="projector-header">
        <bdi>{state.title}</bdi>
        <span>
          Join: <strong>{data.joinHost}</strong> · code <strong className="projector-code-small">{state.code}</strong>
        </span>
        <LiveStatusBadge status={status} />
      </header>

      {state.stage === "lobby" ? (
        <section className="projector-lobby">
          <h1 dir="auto">{state.caseTitle}</h1>
          <p>Join on your phone at {data.joinHost}</p>
          <p className="join-code projector-code">{state.code}</p>
          <div className="qr projector-qr" role="img" aria-label="QR code to join" dangerouslySetInnerHTML={{ __html: data.qrSvg }} />
          <p className="projector-count" data-testid="participant-count">
            {state.participants} {state.participants === 1 ? "person has" : "people have"} joined
          </p>
        </section>
      ) : null}

      {state.caseStage ? <CaseStage state={state} /> : null}

      {state.round !== null ? (
        <section className="projector-round">
          <h1>{state.stageLabel}</h1>
          <p className="projector-count" data-testid="answered-count">
            {state.answered[state.round] ?? 0} of {state.participants} answered
            {isVoteStage(state.stage) ? (state.votingOpen ? " · voting is open" : " · voting is closed") : ""}
          </p>
          {isVoteStage(state.stage) ? (
            <p className="projector-question" dir="auto">
              {state.judgementQuestion}
            </p>
          ) : null}
          {state.stage === "shift" ? <ShiftTable state={state} /> : null}
          {showTallies ? <RoundTallies state={state} round={state.round} /> : <p className="muted">Results are shown when the facilitator reveals them.</p>}
          {state.stage === "results-1" || state.stage === "shift" ? <RoomGapLine state={state} /> : null}
        </section>
      ) : null}

      {state.stage === "discussion" ? (
        <section className="projector-discussion">
          <h1>Discussion</h1>
          {state.spotlight ? (
            <blockquote className="spotlight" data-testid="spotlight">
              <p dir="auto">{state.spotlight.body}</p>
              <footer>
                {state.spotlight.kind} · {state.spotlight.upvotes} upvotes
              </footer>
            </blockquote>
          ) : null}
          <ol className="submission-list">
            {state.submissions.slice(0, 6).map((s) => (
              <li key={s.id}>
                <bdi>{s.body}</bdi> <span className="muted">({s.upvotes})</span>
              </li>
            ))}
          </ol>
        </section>
      ) : null}

      {state.ended ? (
        <section>
          <h1>Thank you</h1>
          <p>This workshop has ended.</p>
          <RoundTallies state={state} round={state.tallies.some((t) => t.round === 2) ? 2 : 1} />
          <ShiftTable state={state} />
          <RoomGapLine state={state} />
        </section>
      ) : null}
    </div>
  );
}
