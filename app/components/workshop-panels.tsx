import type { RoomState } from "~/workshops/live-state.server";
import { BarChart } from "./bar-chart";
import { TableScroll } from "./table-scroll";
import { countOf, formatSigned, formatSignedPoints } from "~/domain/format";
import { resultsAppearAt } from "~/domain/disclosure";
import { PHASE_CHANGES, PHASES } from "~/domain/role-play-phases";

/**
 * Live tallies for one round: what people would do, and how they judge it, per perspective. A
 * withheld tally (fewer than k counted voters, ADR 009) is a sentence, not an empty chart.
 */
export function RoundTallies({ state, round, showJudgements = true }: { state: Pick<RoomState, "tallies">; round: number; showJudgements?: boolean }) {
  const tallies = state.tallies.filter((t) => t.round === round);
  if (tallies.length === 0) return null;
  return (
    <div className="chart-grid tallies" data-round={round}>
      {tallies.map((t) =>
        !t.released ? (
          <div key={t.perspective} className="tally tally-withheld" data-perspective={t.perspective}>
            <p className="withheld" data-testid="results-withheld">
              <strong>As the {t.perspective}:</strong> {resultsAppearAt(t.k)}.
            </p>
          </div>
        ) : (
          <div key={t.perspective} className="tally" data-perspective={t.perspective}>
            <BarChart title={`As the ${t.perspective}: ${t.respondents} answered`} rows={t.options.map((o) => ({ label: o.label, count: o.count }))} />
            {showJudgements && t.respondents > 0 ? <p className="muted">Average judgement {formatSigned(t.meanJudgement)} on the scale from −3 (clearly wrong) to +3 (clearly right).</p> : null}
          </div>
        ),
      )}
    </div>
  );
}

export function RoomGapLine({ state }: { state: Pick<RoomState, "gap"> }) {
  if (!state.gap) return null;
  return (
    <p className="room-gap">
      The room&apos;s empathy gap (round {state.gap.round}): <strong>{formatSignedPoints(state.gap.meanGap)}</strong> on average across {countOf(state.gap.people, "person", "people")}: how much kinder
      they were to the employee as the employee than as the employer.
    </p>
  );
}

export function ShiftTable({ state }: { state: Pick<RoomState, "shift"> }) {
  if (!state.shift) return null;
  return (
    <TableScroll label="How the room moved">
      <table className="shift-table">
        <caption>How the room moved between round 1 and round 2</caption>
        <thead>
          <tr>
            <th scope="col">Perspective</th>
            <th scope="col">Answered both rounds</th>
            <th scope="col">Moved</th>
            <th scope="col">More right</th>
            <th scope="col">More wrong</th>
            <th scope="col">Changed action</th>
          </tr>
        </thead>
        <tbody>
          {state.shift.map((s) =>
            s.released ? (
              <tr key={s.perspective}>
                <th scope="row">As the {s.perspective}</th>
                <td>{s.people}</td>
                <td>{s.moved}</td>
                <td>{s.towardRight}</td>
                <td>{s.towardWrong}</td>
                <td>{s.changedOption}</td>
              </tr>
            ) : (
              <tr key={s.perspective}>
                <th scope="row">As the {s.perspective}</th>
                <td colSpan={5}>Not shown: fewer than {s.k} people answered both rounds.</td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** The part of the case the room is reading now, if any: its number, title and text. */
export function CaseStage({ state, headingLevel = 2 }: { state: Pick<RoomState, "caseStage">; headingLevel?: 1 | 2 }) {
  if (!state.caseStage) return null;
  // The projector shows nothing else at a case stage, so there the part's title is the page's heading.
  const Heading = headingLevel === 1 ? "h1" : "h2";
  return (
    <section className="stage" aria-labelledby="live-stage-title">
      <Heading id="live-stage-title">
        <span className="stage-number">
          Part {state.caseStage.number} of {state.caseStage.count}
        </span>
        <bdi>{state.caseStage.title}</bdi>
      </Heading>
      <div dir="auto" dangerouslySetInnerHTML={{ __html: state.caseStage.html }} />
    </section>
  );
}

/** The case's questions for the discussion, as the control panel and the projector list them. */
export function DiscussionQuestions({ state }: { state: Pick<RoomState, "discussionQuestions"> }) {
  return (
    <ol>
      {state.discussionQuestions.map((q, i) => (
        <li key={i} dir="auto">
          {q}
        </li>
      ))}
    </ol>
  );
}

/**
 * Whether the page is receiving live updates. Once the workshop has ended nothing is live any
 * more, whatever the stream's state: the badge says "Ended".
 */
export function LiveStatusBadge({ status, ended = false }: { status: string; ended?: boolean }) {
  if (ended) {
    return (
      <span className="live-status live-status-ended" role="status">
        Ended
      </span>
    );
  }
  const label = status === "live" ? "Live" : status === "connecting" ? "Connecting…" : status === "closed" ? "Stopped: reload the page" : "Reconnecting…";
  return (
    <span className={`live-status live-status-${status}`} role="status" aria-live="polite">
      {label}
    </span>
  );
}

/**
 * "Did the empathy gap move?" (role-play with the swap, ADR 032): per perspective the room's
 * average judgement, then the empathy gap, before the role-play, after it and after the swap,
 * with the changes. Every figure is one the room releases; a withheld one says when it appears,
 * and a change shows only where both its phases do (`phaseComparison`).
 */
export function PhaseTable({ state }: { state: Pick<RoomState, "phases"> }) {
  if (!state.phases) return null;
  const name = (figure: string) => (figure === "gap" ? "Empathy gap (employee minus employer)" : `Judgement as the ${figure}`);
  return (
    <TableScroll label="Did the empathy gap move?">
      <table className="phase-table" data-testid="phase-table">
        <caption>Did the empathy gap move? Averages of everyone who answered in each phase</caption>
        <thead>
          <tr>
            <th scope="col">Figure</th>
            {PHASES.map((p) => (
              <th scope="col" key={p.key}>
                {p.label}
              </th>
            ))}
            {PHASE_CHANGES.map((c) => (
              <th scope="col" key={c.label}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {state.phases.map((row) => (
            <tr key={row.figure} data-figure={row.figure}>
              <th scope="row">{name(row.figure)}</th>
              {row.phases.map((p, i) => (
                <td key={i}>
                  {p.released ? (
                    `${formatSigned(p.value)} (${countOf(p.people, "person", "people")})`
                  ) : (
                    <span className="withheld">{row.figure === "gap" ? `Appears when ${p.k} people have answered both perspectives` : resultsAppearAt(p.k)}</span>
                  )}
                </td>
              ))}
              {row.changes.map((c, i) => (
                <td key={`change-${i}`}>
                  {c === null ? (
                    <>
                      <span aria-hidden="true">—</span>
                      <span className="visually-hidden">not shown</span>
                    </>
                  ) : (
                    formatSigned(c)
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
