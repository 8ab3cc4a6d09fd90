import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { countOf } from "~/domain/format";
import { useLoaderData, useRevalidator } from "@remix-run/react";
import QRCode from "qrcode";
import { useLiveState } from "~/components/use-live-state";
import { CaseStage, DiscussionQuestions, LiveStatusBadge, RoomGapLine, RoundTallies } from "~/components/workshop-panels";
import { JudgementDistribution, VoteChoices } from "~/components/projector-panels";
import { EndResults, ShiftResults } from "~/components/room-results";
import { isVoteStage, textStepOf } from "~/domain/workshop-stages";
import { BestTextsView, ModelAnswersView } from "~/components/role-play-texts";
import { isolate } from "~/domain/bidi";
import { requireWorkshopFacilitator } from "~/workshops/access.server";
import { loadWorkshopStates } from "~/workshops/live-state.server";
import { StepTimerView } from "~/components/role-play";

/** The projector fills the screen: no site header or footer. */
export const handle = { chrome: false, mainClass: "full-screen" };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${isolate(data.state.title)} · Projector` : "Projector" }];

/** The room's view on the big screen: only what the room may see, even though the facilitator opens it. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { workshop } = await requireWorkshopFacilitator(request, params.id);
  const states = (await loadWorkshopStates(workshop.id))!;
  const origin = new URL(request.url).origin;
  const joinUrl = `${origin}/join/${workshop.code}`;
  return { state: states.room, now: Date.now(), joinHost: `${origin.replace(/^https?:\/\//, "")}/join`, qrSvg: await QRCode.toString(joinUrl, { type: "svg", margin: 1 }) };
}

export default function Projector() {
  const data = useLoaderData<typeof loader>();
  const revalidator = useRevalidator();
  // Signed out, or no longer allowed to run this workshop: reloading the data takes the page to the sign-in.
  const { state, status } = useLiveState(`/workshops/${data.state.workshopId}/events?view=room`, data.state, undefined, () => revalidator.revalidate());
  const showTallies = state.round !== null && state.tallies.some((t) => t.round === state.round);
  // The spotlit item is shown big above the list, never again in it.
  const listed = state.submissions.filter((s) => s.id !== state.spotlight?.id).slice(0, 6);
  const textStep = textStepOf(state.stage);
  return (
    <div className="projector" data-stage={state.stage}>
      <header className="projector-header">
        <bdi className="projector-title">{state.title}</bdi>
        {!state.ended ? (
          <span className="projector-join" data-testid="header-join">
            Join: <strong>{data.joinHost}</strong> · code <strong className="projector-code-small">{state.code}</strong>
          </span>
        ) : null}
        <LiveStatusBadge status={status} ended={state.ended} />
        {state.stage !== "lobby" && !state.ended ? <div className="qr projector-qr-small" role="img" aria-label="QR code to join" dangerouslySetInnerHTML={{ __html: data.qrSvg }} /> : null}
      </header>

      {state.stage === "lobby" ? (
        <section className="projector-lobby">
          <div className="projector-lobby-text">
            <h1 dir="auto">{state.caseTitle}</h1>
            <p>Join on your phone at {data.joinHost}</p>
            <p className="join-code projector-code">{state.code}</p>
            <p className="projector-count" data-testid="participant-count">
              {state.participants} {state.participants === 1 ? "person has" : "people have"} joined
            </p>
          </div>
          <div className="qr projector-qr" role="img" aria-label="QR code to join" dangerouslySetInnerHTML={{ __html: data.qrSvg }} />
        </section>
      ) : null}

      {state.roles && !state.ended ? (
        <section className="projector-role-play" aria-label="Role-play">
          <p>
            Role-play: {state.roles.map((r) => r.name).join(" and ")}
            {state.rolesVersion > 0 ? ". Your phone shows your role card." : ". Roles are assigned soon."}
          </p>
          <StepTimerView timer={state.timer} now={data.now} large />
        </section>
      ) : null}

      {state.caseStage ? <CaseStage state={state} headingLevel={1} /> : null}

      {state.round !== null ? (
        <section className="projector-round">
          <h1>{state.stageLabel}</h1>
          <p className="projector-count" data-testid="answered-count">
            {state.answered[state.round] ?? 0} of {state.participants} answered
            {isVoteStage(state.stage) ? (state.votingOpen ? " · voting is open" : " · voting is closed") : ""}
          </p>
          {isVoteStage(state.stage) ? <VoteChoices state={state} /> : null}
          {state.stage === "shift" && state.shift ? <ShiftResults state={state} /> : null}
          {state.stage !== "shift" ? (
            showTallies ? (
              <>
                <JudgementDistribution state={state} round={state.round} />
                <RoundTallies state={state} round={state.round} showJudgements={false} />
              </>
            ) : (
              <p className="muted">Results are shown when the facilitator reveals them.</p>
            )
          ) : null}
          {state.stage === "results-1" || (state.stage === "shift" && !state.shift) ? <RoomGapLine state={state} /> : null}
        </section>
      ) : null}

      {state.stage === "discussion" ? (
        <section className="projector-discussion">
          <h1>Discussion</h1>
          <div className="discussion-layout">
            <section aria-labelledby="questions-heading" className="discussion-questions">
              <h2 id="questions-heading">Questions to discuss</h2>
              <DiscussionQuestions state={state} />
            </section>
            <section aria-labelledby="room-items-heading" className="discussion-room">
              <h2 id="room-items-heading">From the room</h2>
              {state.spotlight ? (
                <blockquote className="spotlight" data-testid="spotlight">
                  <p dir="auto">{state.spotlight.body}</p>
                  <footer>
                    {state.spotlight.kind} · {upvotes(state.spotlight.upvotes)}
                  </footer>
                </blockquote>
              ) : null}
              {listed.length > 0 ? (
                <ol className="submission-list" data-testid="submission-list">
                  {listed.map((s) => (
                    <li key={s.id}>
                      <bdi>{s.body}</bdi> <span className="muted">({upvotes(s.upvotes)})</span>
                    </li>
                  ))}
                </ol>
              ) : !state.spotlight ? (
                <p className="muted">Send an argument or a question from your phone.</p>
              ) : null}
            </section>
          </div>
        </section>
      ) : null}

      {textStep ? (
        <section className="projector-text-step" data-testid="projector-text-step">
          <h1>{state.stageLabel}</h1>
          {textStep.part === "write" ? (
            <p>
              {textStep.kind === "steelman"
                ? "On your phone: make the strongest case for the other role, the one its players would call fair. They rate it without seeing who wrote it."
                : "On your phone: your role's rehearsal prompt. Write the words you would say. The other side rates them without seeing who wrote them."}
            </p>
          ) : null}
          {textStep.part === "rate" ? <p>On your phone: rate what the other side wrote for you. Scores appear when rating closes.</p> : null}
          {textStep.part === "best" ? <BestTextsView best={state.bestTexts} headingLevel={2} /> : null}
        </section>
      ) : null}

      {state.ended ? (
        <section>
          <h1>Thank you</h1>
          <p>This workshop has ended.</p>
          <EndResults state={state} />
          <BestTextsView best={state.bestTexts} />
          <ModelAnswersView answers={state.modelAnswers} />
        </section>
      ) : null}
    </div>
  );
}

/** "1 upvote", "3 upvotes". */
function upvotes(count: number): string {
  return countOf(count, "upvote", "upvotes");
}
