import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { plural } from "~/domain/format";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect, useState } from "react";
import { IdempotencyKeyField, SendButton } from "~/components/send-once";
import { useLiveState } from "~/components/use-live-state";
import { CaseStage, LiveStatusBadge, RoomGapLine, RoundTallies } from "~/components/workshop-panels";
import { EndResults, ShiftResults } from "~/components/room-results";
import { LivePrivacyStatement } from "~/components/live-privacy";
import { PhoneVoteForm } from "~/components/phone-vote-form";
import { db } from "~/platform/db.server";
import { formKey } from "~/domain/idempotency";
import { isolate } from "~/domain/bidi";
import { codeUnitCap } from "~/domain/visible-length";
import { TEXT_LIMITS } from "~/domain/text-limits";
import { isVoteStage, roundOf } from "~/domain/workshop-stages";
import { votesOf } from "~/models/workshop-votes.server";
import { submittedBy, upvotedBy } from "~/models/submissions.server";
import { clientAddress } from "~/http/rate-limit.server";
import { roleCardFor } from "~/workshops/access.server";
import { isHttps } from "~/accounts/auth.server";
import { RoleCard, StepTimerView } from "~/components/role-play";
import { BestTextsView, PhoneTextStepView, textProblemOutOfPlace } from "~/components/role-play-texts";
import { FormProblem } from "~/components/form-feedback";
import { phoneTextStep } from "~/workshops/role-play-steps.server";
import { findCaseVersionDocument } from "~/models/cases.server";
import { recentWorkshopStates, type RoomState } from "~/workshops/live-state.server";
import { findPhone, participateByCode, type ParticipationResult, type PhoneLookup } from "~/workshops/participation.server";
import { readFormData } from "~/http/forms";
import { actionResponse, answerHeaders, newPageKey } from "~/http/idempotency.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data && !data.removed && data.state ? `${isolate(data.state.title)} · Casebook` : "Workshop · Casebook" }];

/** Keeps Retry-After on a 429 and Idempotent-Replayed on a repeat (see answerHeaders). */
export const headers = answerHeaders;

/** A phone gets a focused page: no site menu (log in, sign up), only the room (issue 16). */
export const handle = { chrome: false, mainClass: "phone-screen" };

const NO_WORKSHOP = "No workshop has this code. Check the code on the screen.";

/** The answer to a phone that is not in this workshop: the code is unknown, this device has not joined, or its network guessed too many codes. */
function notThere(found: Exclude<PhoneLookup, { kind: "joined" }>): Response {
  if (found.kind === "too-many-guesses") return new Response(found.message, { status: 429, headers: { "Retry-After": String(found.retryAfterSeconds) } });
  return found.kind === "no-workshop" ? new Response(NO_WORKSHOP, { status: 404 }) : redirect(`/join/${found.code}`);
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const found = await findPhone(params.code, request.headers.get("Cookie"), isHttps(request), clientAddress(context));
  if (found.kind !== "joined") throw notThere(found);
  const { workshop, participant } = found;
  if (participant.removed) return { removed: true as const, title: workshop.title };
  const doc = await findCaseVersionDocument(db(), workshop.caseVersionId);
  const [states, votes, upvoted, mine, roleCard, textStep] = await Promise.all([
    recentWorkshopStates(workshop.id, "phone"),
    votesOf(db(), workshop.id, participant.id),
    upvotedBy(db(), workshop.id, participant.id),
    submittedBy(db(), workshop.id, participant.id),
    // This participant's own role and brief only (ADR 028); the room's state carries no brief.
    roleCardFor(workshop, participant),
    // Role-play's written steps (ADR 034): this phone's prompt, own text and what it rates, from its own loader only.
    phoneTextStep(db(), workshop, doc, participant),
  ]);
  return {
    removed: false as const,
    state: states!.phone,
    myVotes: votes,
    myUpvotes: [...upvoted],
    mySubmissions: [...mine],
    name: participant.displayName,
    roleCard,
    textStep,
    /** The server's clock, for the step timer's text without JavaScript (and its correction with it). */
    now: Date.now(),
    /** New on every load: each form's idempotency key is this plus the form's name (ADR 016). */
    pageKey: newPageKey(),
  };
}

/** Without JavaScript, every form posts here; with it, votes go to the JSON endpoint (phone-vote-endpoint.server.ts). */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const outcome = await participateByCode({
    code: params.code,
    cookieHeader: request.headers.get("Cookie"),
    secure: isHttps(request),
    clientAddress: clientAddress(context),
    form: await readFormData(request),
  });
  if (outcome.kind !== "answer") throw notThere(outcome);
  const response = actionResponse(outcome);
  if (outcome.retryAfterSeconds) response.headers.set("Retry-After", String(outcome.retryAfterSeconds));
  return response;
}

type Loaded = Extract<Awaited<ReturnType<typeof loader>>, { removed: false }>;

export default function ParticipantView() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<ParticipationResult>();
  const revalidator = useRevalidator();
  if (data.removed) {
    return (
      <>
        <h1 dir="auto">{data.title}</h1>
        <p className="notice">The facilitator removed you from this workshop.</p>
      </>
    );
  }
  return <LiveParticipant data={data} result={result} revalidate={() => revalidator.revalidate()} />;
}

function LiveParticipant({ data, result: actionResult, revalidate }: { data: Loaded; result: ParticipationResult | undefined; revalidate: () => void }) {
  // The latest answer wins: a vote sent by fetch, until another form of the page answers.
  const [voteAnswer, setVoteAnswer] = useState<ParticipationResult | undefined>();
  // Bumped when what the phone shows as its own vote is void (a reset): the form is drawn afresh.
  const [voteGeneration, setVoteGeneration] = useState(0);
  // Bumped after each thing sent to the room: the text box starts empty again.
  const [sent, setSent] = useState(0);
  const [votesAnswered, setVotesAnswered] = useState(0);
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  useEffect(() => {
    setVoteAnswer(undefined);
    if (actionResult?.intent === "submit" && !actionResult.errors.body && !actionResult.errors.form) setSent((n) => n + 1);
  }, [actionResult]);
  const result = voteAnswer ?? actionResult;
  // A new stage or round changes what this person has answered: fetch their own data again.
  const { state, status } = useLiveState<RoomState>(
    `/workshops/${data.state.workshopId}/events`,
    data.state,
    (next, previous) => {
      // A reset voids this phone's vote: what it shows as its own is read again.
      const reset = next.voteResets !== previous.voteResets;
      // Roles assigned again, or someone moved: this phone reads its own role card again.
      if (next.rolesVersion !== previous.rolesVersion) revalidate();
      if (next.stage !== previous.stage || next.votingOpen !== previous.votingOpen || reset) {
        // A new stage, voting opened or closed, or a reset: "your vote is in" no longer holds.
        setVoteAnswer(undefined);
        if (reset) setVoteGeneration((n) => n + 1);
        revalidate();
      }
    },
    revalidate,
  );
  const round = roundOf(state.stage);
  // Votes just acknowledged (the page does not reload its data after a vote) override the loaded ones.
  const fresh = result?.intent === "vote" ? (result.myVotes ?? []) : [];
  const myVotes = [...data.myVotes.filter((v) => !fresh.some((f) => f.round === v.round && f.perspective === v.perspective)), ...fresh];
  const myRoundVotes = myVotes.filter((v) => v.round === round);
  return (
    <div className="phone" data-stage={state.stage}>
      <p className="muted">
        <bdi>{state.title}</bdi> · <LiveStatusBadge status={status} ended={state.ended} />
      </p>
      {/* Drawn by the server, gone once scripts run: a phone without JavaScript learns to reload. */}
      {hydrated || state.ended ? null : <p className="notice">Without JavaScript this page does not update by itself: reload it when the facilitator moves on.</p>}
      <h1>{state.stageLabel}</h1>
      <FormProblem message={result?.errors.form ?? textProblemOutOfPlace(result, data.textStep)} />
      {result?.message ? (
        <p className="notice" role="status">
          {result.message}
        </p>
      ) : null}

      {state.roles && !state.ended ? <StepTimerView timer={state.timer} now={data.now} /> : null}
      {state.stage === "swap" && data.roleCard ? (
        <p className="notice" data-testid="role-swapped">
          The roles have swapped: you now play the other side. Read your new role card, then argue for it.
        </p>
      ) : null}
      {data.roleCard ? (
        <RoleCard card={data.roleCard} />
      ) : state.roles && !state.ended ? (
        <p className="notice" data-testid="role-pending">
          This is a role-play: the facilitator will give you a role soon, and your role card will appear here.
        </p>
      ) : null}

      {state.ended ? <p className="notice">The workshop has ended. Thank you for taking part.</p> : null}
      {state.stage === "lobby" ? (
        <p>
          You are in
          {data.name ? (
            <>
              , <bdi>{data.name}</bdi>
            </>
          ) : null}
          . The facilitator will start soon.
        </p>
      ) : null}
      <CaseStage state={state} />

      {/* Said before anyone votes: in the lobby and above the vote itself. */}
      {state.stage === "lobby" || isVoteStage(state.stage) ? <LivePrivacyStatement k={state.k} /> : null}

      {isVoteStage(state.stage) ? (
        state.votingOpen ? (
          <PhoneVoteForm
            // Drawn afresh on a reset, and when the reloaded data says what this phone's vote is now.
            key={`${voteGeneration}:${data.myVotes
              .filter((v) => v.round === round)
              .map((v) => `${v.perspective}=${v.option_id}/${v.judgement}`)
              .join(",")}`}
            counter={{ answered: votesAnswered, setAnswered: setVotesAnswered }}
            state={state}
            mine={myVotes}
            mySubmissions={data.mySubmissions}
            pageKey={data.pageKey}
            result={result}
            onAnswer={setVoteAnswer}
          />
        ) : (
          <p className="notice">Voting is closed{myRoundVotes.length > 0 ? "; your vote is counted." : "."}</p>
        )
      ) : null}

      {data.textStep && data.textStep.part !== "best" ? <PhoneTextStepView step={data.textStep} pageKey={data.pageKey} result={result} /> : null}
      {state.bestTexts.length > 0 ? <BestTextsView best={state.bestTexts} /> : null}

      {state.stage === "results-1" && state.tallies.some((t) => t.round === 1) ? <RoundTallies state={state} round={1} /> : null}
      {state.stage === "results-1" ? <RoomGapLine state={state} /> : null}
      {state.stage === "shift" || state.ended ? (
        // The room's results, as the projector shows them at this stage (room-results.tsx).
        <section className="room-results" aria-labelledby="room-results-heading">
          <h2 id="room-results-heading">The room&apos;s results</h2>
          {state.ended ? <EndResults state={state} /> : <ShiftResults state={state} />}
        </section>
      ) : null}

      {state.stage === "discussion" ? (
        <section aria-labelledby="send-heading">
          <h2 id="send-heading">Add to the discussion</h2>
          <Form method="post" className="stack" preventScrollReset>
            <input type="hidden" name="intent" value="submit" />
            <IdempotencyKeyField value={formKey(data.pageKey, "submit")} />
            <fieldset className="inline-choices">
              <legend className="visually-hidden">Kind</legend>
              <label className="choice">
                <input type="radio" name="kind" value="argument" defaultChecked /> An argument
              </label>
              <label className="choice">
                <input type="radio" name="kind" value="question" /> A question
              </label>
              {result?.intent === "submit" && result.errors.kind ? <p className="field-error">{result.errors.kind}</p> : null}
            </fieldset>
            <label htmlFor="body">Your argument or question</label>
            <textarea
              key={sent}
              id="body"
              name="body"
              rows={3}
              maxLength={codeUnitCap(TEXT_LIMITS.submission)}
              required
              defaultValue={result?.intent === "submit" && result.errors.body ? result.values?.body : ""}
            />
            {result?.intent === "submit" && result.errors.body ? <p className="field-error">{result.errors.body}</p> : null}
            <div>
              <SendButton sendingKey={formKey(data.pageKey, "submit")}>Send</SendButton>
            </div>
          </Form>
        </section>
      ) : null}

      {(state.stage === "discussion" || state.stage === "vote-2") && state.submissions.length > 0 ? (
        <section aria-labelledby="room-heading">
          <h2 id="room-heading">From the room</h2>
          <ul className="submission-list">
            {state.submissions.map((s) => (
              <li key={s.id}>
                <span className="kind">{s.kind}</span> <bdi>{s.body}</bdi>
                {data.mySubmissions.includes(s.id) ? (
                  // One's own submission takes no upvote from its author (counting.ts).
                  <span className="muted">
                    {" "}
                    (yours) ▲ {s.upvotes}
                    <span className="visually-hidden"> {plural(s.upvotes, "upvote", "upvotes")}</span>
                  </span>
                ) : (
                  <Form method="post" preventScrollReset className="inline-form">
                    <input type="hidden" name="intent" value="upvote" />
                    <input type="hidden" name="submissionId" value={s.id} />
                    {/* The state this button gives (ADR 016), so the same tap from a second page changes nothing. */}
                    <input type="hidden" name="upvoted" value={data.myUpvotes.includes(s.id) ? "no" : "yes"} />
                    <IdempotencyKeyField value={formKey(data.pageKey, `upvote-${s.id}`)} />
                    {/* Only this phone's own upvotes are marked: the loader reads this participant's, never anyone else's. */}
                    <SendButton sendingKey={formKey(data.pageKey, `upvote-${s.id}`)} className="secondary small upvote" aria-pressed={data.myUpvotes.includes(s.id)}>
                      ▲ {s.upvotes}
                      <span className="visually-hidden">
                        {" "}
                        {plural(s.upvotes, "upvote", "upvotes")}
                        {data.myUpvotes.includes(s.id) ? ", remove my upvote" : ", upvote"}
                      </span>
                    </SendButton>
                    {data.myUpvotes.includes(s.id) ? <span className="upvoted-mark">You upvoted</span> : null}
                  </Form>
                )}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
