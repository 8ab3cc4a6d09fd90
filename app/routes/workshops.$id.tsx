import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { countOf } from "~/domain/format";
import { Form, Link, useActionData, useLoaderData, useRevalidator } from "@remix-run/react";
import QRCode from "qrcode";
import { useLiveState } from "~/components/use-live-state";
import { TableScroll } from "~/components/table-scroll";
import { CaseStage, DiscussionQuestions, LiveStatusBadge, PhaseTable, RoomGapLine, RoundTallies, ShiftTable } from "~/components/workshop-panels";
import { hasSwap, isVoteStage, planRounds, textStepOf } from "~/domain/workshop-stages";
import { BestTextsView, ModelAnswersView } from "~/components/role-play-texts";
import { PHASES } from "~/domain/role-play-phases";
import { facilitatorNotesHtml, requireWorkshopFacilitator, roomRoleBriefs } from "~/workshops/access.server";
import { StepTimerView } from "~/components/role-play";
import { TIMER_MINUTES } from "~/domain/step-timer";
import { handleControl, type ControlResult } from "~/workshops/control.server";
import { loadWorkshopStates, type FacilitatorState } from "~/workshops/live-state.server";
import { MAX_CAPACITY, VOID_WINDOWS_MINUTES } from "~/domain/room-defences";
import { readFormData } from "~/http/forms";
import { db } from "~/platform/db.server";
import { findParticipantsByName } from "~/models/participants.server";
import { TEXT_LIMITS } from "~/domain/text-limits";
import { codeUnitCap } from "~/domain/visible-length";
import { removalNotice } from "~/domain/disclosure";
import { isolate } from "~/domain/bidi";
import { formKey } from "~/domain/idempotency";
import { IdempotencyKeyField, SendButton } from "~/components/send-once";
import { actionResponse, answerHeaders, newPageKey } from "~/http/idempotency.server";

/** How many participants a search on the control panel lists at most. */
const PARTICIPANTS_FOUND_LIMIT = 50;

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${isolate(data.state.title)} · Workshop · Casebook` : "Workshop · Casebook" }];

/** Keeps Idempotent-Replayed on a repeated control (see answerHeaders). */
export const headers = answerHeaders;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, workshop } = await requireWorkshopFacilitator(request, params.id);
  const states = (await loadWorkshopStates(workshop.id))!;
  const url = new URL(request.url);
  const joinUrl = `${url.origin}/join/${workshop.code}`;
  // The live list holds the last PARTICIPANT_LIST_LIMIT to join; anyone is found by name here.
  const person = url.searchParams.get("person")?.trim().slice(0, codeUnitCap(TEXT_LIMITS.displayName)) ?? "";
  return {
    person: person ? { text: person, ...(await findParticipantsByName(db(), workshop.id, person, PARTICIPANTS_FOUND_LIMIT)) } : null,
    state: states.facilitator,
    joinUrl,
    qrSvg: await QRCode.toString(joinUrl, { type: "svg", margin: 1 }),
    twoRounds: workshop.twoRounds,
    // The rounds it has: a role-play with two rounds adds round 3, after the swap (ADR 032).
    rounds: planRounds({ twoRounds: workshop.twoRounds, swap: hasSwap(workshop) }),
    swap: hasSwap(workshop),
    // The notes of the case version the workshop runs; only this page's loader sends them (never the room's state).
    facilitatorNotesHtml: await facilitatorNotesHtml(user, workshop),
    // Role-play: every role's brief of the room's case, for the one running this room only (ADR 028).
    roleBriefs: await roomRoleBriefs(workshop),
    /** The server's clock, for the step timer's text without JavaScript. */
    now: Date.now(),
    // pageKey: new on every load; each control's idempotency key is this plus the control's name (ADR 016).
    pageKey: newPageKey(),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, workshop } = await requireWorkshopFacilitator(request, params.id);
  return actionResponse(await handleControl(workshop, user, await readFormData(request)));
}

/** The idempotency key of the control form named `name` on this rendering of the page. */
function useControlKey(name: string): string {
  return formKey(useLoaderData<typeof loader>().pageKey, name);
}

/**
 * One control's form: its idempotency key (one per control on the page, e.g. `spotlight-12`) and
 * a button disabled while it is sent, so a double click does it once (ADR 016).
 */
function Control({ intent, name, label, secondary, extra }: { intent: string; name?: string; label: string; secondary?: boolean; extra?: Record<string, string | number> }) {
  const key = useControlKey(name ?? intent);
  return (
    <Form method="post" preventScrollReset>
      <IdempotencyKeyField value={key} />
      <input type="hidden" name="intent" value={intent} />
      {Object.entries(extra ?? {}).map(([field, value]) => (
        <input key={field} type="hidden" name={field} value={value} />
      ))}
      <SendButton sendingKey={key} className={secondary ? "secondary" : undefined}>
        {label}
      </SendButton>
    </Form>
  );
}

/**
 * The room's defences against stuffing: lock, capacity, joins per minute (live), and voiding a
 * burst of joins after a confirmation that shows how many phones it removes. Plain forms: they
 * work without JavaScript, and with it the live state keeps the figures current.
 */
function RoomDoor({ state, result, ended }: { state: FacilitatorState; result: ControlResult | undefined; ended: boolean }) {
  const lastMinute = state.joinsPerMinute.at(-1) ?? 0;
  const preview = result?.voidPreview;
  const [capacityKey, countKey, voidKey] = [useControlKey("set-capacity"), useControlKey("void-burst"), useControlKey("void-burst-confirm")];
  return (
    <section aria-labelledby="door-heading" className="room-door">
      <h2 id="door-heading">Who can join</h2>
      <p data-testid="room-door-status">
        {state.locked ? "The room is locked: nobody new can join; phones already in keep voting." : "The room is open: anyone with the code can join."}
        {state.capacity !== null ? ` Capacity: ${state.capacity} ${state.capacity === 1 ? "person" : "people"}.` : " No capacity set."}
      </p>
      {!ended ? (
        <div className="controls">
          {state.locked ? <Control intent="unlock-room" label="Unlock the room" secondary /> : <Control intent="lock-room" label="Lock the room" secondary />}
          <Form method="post" className="inline-form" preventScrollReset>
            <IdempotencyKeyField value={capacityKey} />
            <input type="hidden" name="intent" value="set-capacity" />
            <label htmlFor="capacity">Capacity</label>{" "}
            <input id="capacity" name="capacity" type="number" inputMode="numeric" min={1} max={MAX_CAPACITY} defaultValue={state.capacity ?? ""} aria-describedby="capacity-hint" className="narrow" />{" "}
            <SendButton sendingKey={capacityKey} className="secondary">
              Set capacity
            </SendButton>
            <span id="capacity-hint" className="muted">
              {" "}
              Empty for no limit.
            </span>
          </Form>
        </div>
      ) : null}
      <h3 id="joins-heading">Joins per minute</h3>
      <p data-testid="joins-last-minute">
        {lastMinute} {lastMinute === 1 ? "phone" : "phones"} joined in the last minute.
      </p>
      <TableScroll label="Joins per minute">
        <table className="joins-per-minute" aria-labelledby="joins-heading">
          <thead>
            <tr>
              <th scope="row">Minutes ago</th>
              {state.joinsPerMinute.map((_, i) => (
                <th key={i} scope="col">
                  {state.joinsPerMinute.length - 1 - i === 0 ? "now" : `${state.joinsPerMinute.length - 1 - i}`}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">Joins</th>
              {state.joinsPerMinute.map((n, i) => (
                <td key={i}>{n}</td>
              ))}
            </tr>
          </tbody>
        </table>
      </TableScroll>
      {!ended ? (
        <>
          <h3>Void a burst</h3>
          <p className="muted">Remove every phone that joined in a recent window: they cannot vote again. {removalNotice(state.k)}</p>
          <Form method="post" className="inline-form" preventScrollReset>
            <IdempotencyKeyField value={countKey} />
            <input type="hidden" name="intent" value="void-burst" />
            <label htmlFor="void-minutes">Phones that joined in the last</label>{" "}
            <select id="void-minutes" name="minutes" defaultValue={String(preview?.minutes ?? 5)}>
              {VOID_WINDOWS_MINUTES.map((m) => (
                <option key={m} value={m}>
                  {m} {m === 1 ? "minute" : "minutes"}
                </option>
              ))}
            </select>{" "}
            <SendButton sendingKey={countKey} className="secondary">
              Count them
            </SendButton>
          </Form>
          {preview && preview.count > 0 ? (
            <Form method="post" className="inline-form confirm-void" preventScrollReset>
              <IdempotencyKeyField value={voidKey} />
              <input type="hidden" name="intent" value="void-burst-confirm" />
              <input type="hidden" name="since" value={preview.since} />
              <input type="hidden" name="until" value={preview.until} />
              <label className="choice">
                <input type="checkbox" name="confirm" value="yes" required /> Yes, remove the {preview.count} {preview.count === 1 ? "phone" : "phones"} that joined in the last {preview.minutes}{" "}
                {preview.minutes === 1 ? "minute" : "minutes"}
              </label>
              <SendButton sendingKey={voidKey}>
                Remove {preview.count} {preview.count === 1 ? "phone" : "phones"}
              </SendButton>
            </Form>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

/**
 * Role-play controls (ADR 028): assigning roles (again), how many play each, the step timer, and
 * every role's brief for the one running the room. Plain forms: they work without JavaScript.
 */
function RolePlayPanel({ state, ended }: { state: FacilitatorState; ended: boolean }) {
  const data = useLoaderData<typeof loader>();
  const timerKey = useControlKey("start-timer");
  if (!state.roles) return null;
  const counts = state.roleCounts;
  const assigned = state.rolesVersion > 0;
  return (
    <section aria-labelledby="role-play-heading" className="role-play-panel">
      <h2 id="role-play-heading">Role-play</h2>
      <p data-testid="role-counts">
        {assigned
          ? `Roles: ${state.roles.map((r) => `${r.name} ${counts[r.key]}`).join(", ")}. People who join now get the role with the fewest people.`
          : `Roles are not assigned yet. ${countOf(state.inRoom, "person is", "people are")} in the room.`}
      </p>
      {!ended ? (
        <div className="controls">
          <Control intent="assign-roles" name={`assign-roles-${state.rolesVersion}`} label={assigned ? "Assign roles again" : "Assign roles"} />
        </div>
      ) : null}
      <p className="muted">
        Roles are balanced and mix standings; nobody&apos;s standing is shown. Move one person from the participant list below. Assigning again splits the room afresh once people have joined or left;
        the same people always split the same way.
      </p>
      <h3>Step timer</h3>
      <StepTimerView timer={state.timer} now={data.now} />
      {!ended ? (
        <div className="controls">
          <Form method="post" className="inline-form" preventScrollReset>
            <IdempotencyKeyField value={timerKey} />
            <input type="hidden" name="intent" value="start-timer" />
            <label htmlFor="timer-minutes">Minutes</label>{" "}
            <input
              id="timer-minutes"
              name="minutes"
              type="number"
              inputMode="numeric"
              min={TIMER_MINUTES.min}
              max={TIMER_MINUTES.max}
              defaultValue={state.timer?.minutes ?? 5}
              required
              className="narrow"
            />{" "}
            <SendButton sendingKey={timerKey}>{state.timer ? "Restart timer" : "Start timer"}</SendButton>
          </Form>
          {state.timer ? <Control intent="stop-timer" name={`stop-timer-${state.timer.endsAt}`} label="Stop timer" secondary /> : null}
        </div>
      ) : null}
      {data.roleBriefs && data.roleBriefs.length > 0 ? (
        <section aria-labelledby="role-briefs-heading" className="facilitator-notes" data-testid="room-role-briefs">
          <h3 id="role-briefs-heading">Role briefs</h3>
          <p className="muted">For you: each phone shows only its own role&apos;s brief; the projector shows none.</p>
          {data.roleBriefs.map((brief) => (
            <section key={brief.key} aria-labelledby={`brief-${brief.key}`}>
              <h4 id={`brief-${brief.key}`}>{brief.name}</h4>
              <div dir="auto" dangerouslySetInnerHTML={{ __html: brief.html }} />
            </section>
          ))}
        </section>
      ) : null}
    </section>
  );
}

/**
 * Role-play's written steps for the facilitator (ADR 034): every steelman and rehearsal line,
 * without its author, to hide an abusive one (or show it again), with its score once released;
 * the best per step; and, once ended, the case author's model answers.
 */
function TextStepsPanel({ state, ended }: { state: FacilitatorState; ended: boolean }) {
  if (!state.roles || (state.texts.length === 0 && !state.modelAnswers && !textStepOf(state.stage))) return null;
  const kinds = [
    ["steelman", "Steelmen"],
    ["rehearsal", "Rehearsal lines"],
  ] as const;
  return (
    <section aria-labelledby="texts-heading" className="text-steps-panel" data-testid="text-steps-panel">
      <h2 id="texts-heading">Steelmen and rehearsal lines</h2>
      <p className="muted">Nobody&apos;s name is shown with what they wrote, here or anywhere. Scores appear when rating closes (when you move on), for texts at least {state.k} people rated.</p>
      {kinds.map(([kind, label]) => {
        const texts = state.texts.filter((t) => t.kind === kind);
        if (texts.length === 0) return null;
        return (
          <section key={kind} aria-labelledby={`texts-${kind}`}>
            <h3 id={`texts-${kind}`}>
              {label} ({texts.filter((t) => !t.hidden).length} shown)
            </h3>
            <ul className="submission-list">
              {texts.map((t) => (
                <li key={t.id} data-testid={`text-${t.id}`}>
                  <bdi>{t.body}</bdi> {t.hidden ? <span className="muted">(hidden)</span> : null} {t.score ? <span className="muted">({t.score})</span> : null}
                  {!ended ? (
                    t.hidden ? (
                      <Control intent="show-text" name={`show-text-${t.id}`} label="Show again" secondary extra={{ textId: t.id }} />
                    ) : (
                      <Control intent="hide-text" name={`hide-text-${t.id}`} label="Hide" secondary extra={{ textId: t.id }} />
                    )
                  ) : null}
                </li>
              ))}
            </ul>
          </section>
        );
      })}
      <BestTextsView best={state.bestTexts.filter((b) => b.texts.length > 0)} headingLevel={3} />
      <ModelAnswersView answers={state.modelAnswers} />
    </section>
  );
}

/** One participant on the control panel: name, role, and the controls to move or remove them. */
function ParticipantRow({ participant: p, state, ended }: { participant: FacilitatorState["participantList"][number]; state: FacilitatorState; ended: boolean }) {
  const data = useLoaderData<typeof loader>();
  const name = p.name ?? `Anonymous #${p.id}`;
  return (
    <li>
      <bdi>{name}</bdi> {p.removed ? <span className="muted">(removed)</span> : null}
      {state.roles && p.role && !p.removed ? (
        <span className="role-tag" data-testid="participant-role">
          {" "}
          · {state.roles.find((r) => r.key === p.role)?.name ?? p.role}
        </span>
      ) : null}
      {state.roles && state.rolesVersion > 0 && !p.removed && !ended
        ? state.roles
            .filter((r) => r.key !== p.role)
            .map((r) => (
              <Form key={r.key} method="post" preventScrollReset className="inline-form">
                <IdempotencyKeyField value={formKey(data.pageKey, `move-${p.id}-${r.key}-${state.rolesVersion}`)} />
                <input type="hidden" name="intent" value="move-role" />
                <input type="hidden" name="participantId" value={p.id} />
                <input type="hidden" name="role" value={r.key} />
                <SendButton sendingKey={formKey(data.pageKey, `move-${p.id}-${r.key}-${state.rolesVersion}`)} className="secondary small">
                  Move
                  <span className="visually-hidden">
                    {" "}
                    <bdi>{name}</bdi>
                  </span>{" "}
                  to {r.name}
                </SendButton>
              </Form>
            ))
        : null}
      {!p.removed && !ended ? (
        <details className="confirm-remove">
          <summary>
            Remove
            <span className="visually-hidden">
              {" "}
              <bdi>{name}</bdi>
            </span>
          </summary>
          <p id={`remove-note-${p.id}`}>
            <bdi>{name}</bdi> will not be able to vote again. {removalNotice(state.k)}
          </p>
          <Form method="post" preventScrollReset>
            <IdempotencyKeyField value={formKey(data.pageKey, `remove-${p.id}`)} />
            <input type="hidden" name="intent" value="remove-participant" />
            <input type="hidden" name="participantId" value={p.id} />
            <SendButton sendingKey={formKey(data.pageKey, `remove-${p.id}`)} className="secondary" aria-describedby={`remove-note-${p.id}`}>
              Yes, remove <bdi>{name}</bdi>
            </SendButton>
          </Form>
        </details>
      ) : null}
    </li>
  );
}

export default function ControlPanel() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<ControlResult>();
  const revalidator = useRevalidator();
  // Signed out, or no longer allowed to run this workshop: reloading the data takes the page to the sign-in.
  const { state, status } = useLiveState(`/workshops/${data.state.workshopId}/events`, data.state, undefined, () => revalidator.revalidate());
  const ended = state.ended;
  return (
    <>
      <p className="muted">
        <Link to="/workshops">Workshops</Link> / <bdi>{state.caseTitle}</bdi>
      </p>
      <h1 dir="auto">{state.title}</h1>
      <div className="join-box">
        <div>
          <p>
            Join at <strong>{data.joinUrl.replace(/^https?:\/\//, "").replace(/\/join\/.*$/, "/join")}</strong> with code
          </p>
          {/* A paragraph takes no aria-label (ARIA 1.2): the code is read out letter by letter from a hidden twin instead. */}
          <p className="visually-hidden">Join code {state.code.split("").join(" ")}</p>
          <p className="join-code" aria-hidden="true">
            {state.code}
          </p>
          <p>
            <a href={`/workshops/${state.workshopId}/projector`} target="_blank" rel="noreferrer">
              Open the projector view
            </a>{" "}
            · <a href={`/workshops/${state.workshopId}/debrief.md`}>Debrief (Markdown)</a> · <a href={`/workshops/${state.workshopId}/positions.csv`}>Positions (CSV)</a> ·{" "}
            <Link to={`/workshops/${state.workshopId}/compare`}>Compare</Link>
          </p>
          {!state.ended ? <p className="hint">Breakdowns by standing appear in the debrief and the CSV once the workshop has ended.</p> : null}
        </div>
        <div className="qr" role="img" aria-label={`QR code for ${data.joinUrl}`} dangerouslySetInnerHTML={{ __html: data.qrSvg }} />
      </div>

      <section aria-labelledby="stage-heading" className="control-stage">
        <h2 id="stage-heading">
          Now: {state.stageLabel} <LiveStatusBadge status={status} ended={state.ended} />
        </h2>
        <p>
          {state.participants} {state.participants === 1 ? "person has" : "people have"} joined
          {state.round ? ` · ${state.answered[state.round] ?? 0} answered round ${state.round}` : ""}
          {isVoteStage(state.stage) ? (state.votingOpen ? " · voting is open" : " · voting is closed") : ""}
        </p>
        {result ? (
          <p className={result.ok ? "notice" : "form-error"} role={result.ok ? "status" : "alert"}>
            {result.message}
          </p>
        ) : null}
        {ended ? (
          <p className="notice">This workshop has ended. It stays here, read-only, with its debrief and exports.</p>
        ) : (
          <div className="controls">
            {/* A move names the stage it starts from, so a repeat of it changes nothing (ADR 016). */}
            <Control intent="back" label="← Back" secondary extra={{ from: state.stage }} />
            {/* Role-play with two rounds: leaving the shift summary swaps every role (ADR 032). */}
            {data.swap && state.stage === "shift" ? (
              <Control intent="swap-roles" label="Swap roles →" extra={{ from: state.stage }} />
            ) : (
              <Control intent="next" label="Next stage →" extra={{ from: state.stage }} />
            )}
            {isVoteStage(state.stage) ? state.votingOpen ? <Control intent="close-voting" label="Close voting" secondary /> : <Control intent="open-voting" label="Open voting" secondary /> : null}
            {isVoteStage(state.stage) && state.resultsMode === "reveal" && !state.roomSeesTallies.includes(state.round!) ? (
              <Control intent="reveal-results" label="Reveal results to the room" secondary />
            ) : null}
          </div>
        )}
        <CaseStage state={state} />
        {state.stage === "discussion" ? (
          <section aria-labelledby="questions-heading">
            <h3 id="questions-heading">Questions to discuss (on the projector)</h3>
            <DiscussionQuestions state={state} />
          </section>
        ) : null}
      </section>

      <RolePlayPanel state={state} ended={ended} />
      <TextStepsPanel state={state} ended={ended} />

      {data.facilitatorNotesHtml ? (
        <section className="facilitator-notes" aria-labelledby="notes-heading" data-testid="facilitator-notes">
          <h2 id="notes-heading">Facilitator notes</h2>
          <p className="muted">For you only: the projector and the phones never receive them.</p>
          <div dir="auto" dangerouslySetInnerHTML={{ __html: data.facilitatorNotesHtml }} />
        </section>
      ) : null}

      <section aria-labelledby="tallies-heading">
        <h2 id="tallies-heading">Answers</h2>
        {state.resultsMode === "reveal" ? <p className="muted">You see every tally; the room sees them only when you reveal them or reach the results stage.</p> : null}
        {data.rounds.map((round) => (
          <div key={round}>
            <h3>
              Round {round}
              {data.swap ? `: ${PHASES.find((p) => p.round === round)!.label.toLowerCase()}` : ""}
            </h3>
            <RoundTallies state={state} round={round} />
          </div>
        ))}
        <RoomGapLine state={state} />
        <ShiftTable state={state} />
        <PhaseTable state={state} />
      </section>

      <section aria-labelledby="submissions-heading">
        <h2 id="submissions-heading">Arguments and questions from the room</h2>
        {state.submissions.length === 0 ? <p className="muted">None yet. Participants can send them during the discussion.</p> : null}
        <ul className="submission-list">
          {state.submissions.map((s) => (
            <li key={s.id} className={state.spotlight?.id === s.id ? "spotlit" : undefined}>
              <span className="kind">{s.kind}</span> <bdi>{s.body}</bdi> <span className="muted">({countOf(s.upvotes, "upvote", "upvotes")})</span>
              {!ended ? (
                <span className="inline-form">
                  <Control
                    intent="spotlight"
                    name={`spotlight-${s.id}`}
                    label={state.spotlight?.id === s.id ? "Remove spotlight" : "Spotlight"}
                    secondary
                    extra={{ submissionId: s.id, spotlight: state.spotlight?.id === s.id ? "off" : "on" }}
                  />
                  <Control intent="hide-submission" name={`hide-${s.id}`} label="Hide" secondary extra={{ submissionId: s.id }} />
                </span>
              ) : null}
            </li>
          ))}
        </ul>
        {state.hiddenSubmissions.length > 0 ? (
          <details>
            <summary>Hidden ({state.hiddenSubmissions.length})</summary>
            <ul className="submission-list">
              {state.hiddenSubmissions.map((s) => (
                <li key={s.id}>
                  <bdi>{s.body}</bdi> {!ended ? <Control intent="show-submission" name={`show-${s.id}`} label="Show again" secondary extra={{ submissionId: s.id }} /> : null}
                </li>
              ))}
            </ul>
          </details>
        ) : null}
      </section>

      <RoomDoor state={state} result={result} ended={ended} />

      <section aria-labelledby="people-heading">
        <h2 id="people-heading">Participants</h2>
        <p className="muted">Names are optional and never shown beside answers. This list does not say who has voted; how many answered is shown above.</p>
        <Form method="get" role="search" className="inline-form" preventScrollReset>
          <label htmlFor="person">Find a participant</label>{" "}
          <input id="person" type="search" name="person" defaultValue={data.person?.text ?? ""} maxLength={codeUnitCap(TEXT_LIMITS.displayName)} placeholder="Name, or # and a number" />{" "}
          <button type="submit" className="secondary small">
            Find
          </button>
        </Form>
        {/* The live region is always there, empty without a search, so a screen reader announces each search's outcome: one created with its text may not be. */}
        <div role="status" id="participant-search-status">
          {data.person ? (
            <p>
              {data.person.found.length === 0
                ? "No participant's name contains "
                : `${data.person.more ? "The first " : ""}${countOf(data.person.found.length, "participant", "participants")} whose name contains `}
              “<bdi>{data.person.text}</bdi>”{data.person.more ? ": add to the name to narrow it down." : "."} <Link to=".">Show the list again</Link>
            </p>
          ) : null}
        </div>
        {data.person ? (
          <>
            <ul className="participant-list" aria-label="Participants found">
              {data.person.found.map((p) => (
                <ParticipantRow key={p.id} participant={p} state={state} ended={ended} />
              ))}
            </ul>
          </>
        ) : (
          <>
            {state.participantList.length < state.participants ? (
              <p>
                The {countOf(state.participantList.length, "person", "people")} who joined last, of {state.participants}. Find anyone else by name above.
              </p>
            ) : null}
            <ul className="participant-list">
              {state.participantList.map((p) => (
                <ParticipantRow key={p.id} participant={p} state={state} ended={ended} />
              ))}
            </ul>
          </>
        )}
      </section>

      {!ended ? (
        <section aria-labelledby="danger-heading" className="danger-zone">
          <h2 id="danger-heading">Reset or end</h2>
          {data.rounds.map((round) => (
            <Form method="post" key={round} className="inline-form" preventScrollReset>
              <IdempotencyKeyField value={formKey(data.pageKey, `reset-round-${round}`)} />
              <input type="hidden" name="intent" value="reset-round" />
              <input type="hidden" name="round" value={round} />
              <label className="choice">
                <input type="checkbox" name="confirm" value="yes" required /> Yes, delete every vote of round {round}
              </label>
              <SendButton sendingKey={formKey(data.pageKey, `reset-round-${round}`)} className="secondary">
                Reset round {round}
              </SendButton>
            </Form>
          ))}
          <Form method="post" className="inline-form" preventScrollReset>
            <IdempotencyKeyField value={formKey(data.pageKey, "end")} />
            <input type="hidden" name="intent" value="end" />
            <label className="choice">
              <input type="checkbox" name="confirm" value="yes" required /> Yes, end the workshop for everyone
            </label>
            <SendButton sendingKey={formKey(data.pageKey, "end")}>End workshop</SendButton>
          </Form>
        </section>
      ) : null}
    </>
  );
}
