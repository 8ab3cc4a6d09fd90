/**
 * What the projector draws beyond the shared panels: the choices during a vote, the judgement as
 * a diverging distribution per perspective, and round 1 beside round 2. Every figure is one the
 * room's state already carries as released (ADR 009, ADR 021); each picture is hidden from
 * assistive technology and has its exact table beside it, which is its text equivalent.
 */
import type { CSSProperties } from "react";
import type { RoomState } from "~/workshops/live-state.server";
import { divergingSegments, roomMovement, type ReleasedTally } from "~/domain/projector-view";
import { resultsAppearAt } from "~/domain/disclosure";
import { formatPercent, formatSigned } from "~/domain/format";
import { JUDGEMENT_SCALE } from "~/domain/scales";
import { TableScroll } from "./table-scroll";

const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** During a vote: the judgement question, then each perspective's prompt and options, side by side. */
export function VoteChoices({ state }: { state: Pick<RoomState, "perspectives" | "judgementQuestion"> }) {
  return (
    <div className="vote-choices">
      <div className="choice-columns">
        {state.perspectives.map((p) => (
          <section key={p.key} className="choice-column" aria-labelledby={`choices-${p.key}`} data-perspective={p.key}>
            <h2 id={`choices-${p.key}`}>As the {p.key}</h2>
            <p dir="auto" className="choice-prompt">
              {p.prompt}
            </p>
            <ol className="choice-options">
              {p.options.map((o, i) => (
                <li key={o.id}>
                  <span className="choice-letter" aria-hidden="true">
                    {LETTERS[i] ?? i + 1}
                  </span>
                  <bdi>{o.text}</bdi>
                </li>
              ))}
            </ol>
          </section>
        ))}
      </div>
      <div className="judgement-ask">
        <p className="projector-question" dir="auto">
          {state.judgementQuestion}
        </p>
        <ol className="scale-legend" aria-label="The 7-point scale">
          {JUDGEMENT_SCALE.map((step) => (
            <li key={step.value} className={`level level-${levelClass(step.value)}`}>
              {step.label}
            </li>
          ))}
        </ol>
      </div>
    </div>
  );
}

/** The CSS name of a judgement level's colour: "w3" for −3, "t" for 0, "r2" for +2. */
function levelClass(value: number): string {
  return value < 0 ? `w${-value}` : value > 0 ? `r${value}` : "t";
}

/** One diverging bar, drawn with CSS on a shared centre line; aria-hidden: the table says it in words. */
function DivergingBar({ tally, label }: { tally: ReleasedTally; label: string }) {
  return (
    <div className="diverging-row" aria-hidden="true" data-perspective={tally.perspective} data-round={tally.round}>
      <span className="diverging-label">{label}</span>
      <div className="diverging-track">
        {divergingSegments(tally.judgements).map((piece) =>
          piece.width > 0 ? (
            <span key={piece.value} className={`diverging-piece level-${levelClass(piece.value)}`} style={{ left: `${piece.start}%`, width: `${piece.width}%` } as CSSProperties}>
              {piece.width >= 4 ? piece.count : null}
            </span>
          ) : null,
        )}
        <span className="diverging-centre" />
      </div>
    </div>
  );
}

/** The colour of each level under a diverging chart, wrong to right (aria-hidden with the chart: the table names the levels). */
function ScaleKey() {
  return (
    <ol className="scale-key" aria-hidden="true">
      {JUDGEMENT_SCALE.map((step) => (
        <li key={step.value}>
          <span className={`swatch level-${levelClass(step.value)}`} />
          {step.label}
        </li>
      ))}
    </ol>
  );
}

/**
 * A round's judgement per perspective as diverging bars on one centre line (employee above
 * employer, so the empathy gap is the distance between them), with the exact counts in a table
 * beside it. A withheld cell is a sentence in its row; no bar is drawn for it.
 */
export function JudgementDistribution({ state, round }: { state: Pick<RoomState, "tallies">; round: number }) {
  const tallies = state.tallies.filter((t) => t.round === round);
  // Nothing released yet: the tallies beside it already say when results appear.
  if (!tallies.some((t) => t.released)) return null;
  const caption = `How the room judged it, round ${round}`;
  return (
    <figure className="distribution" data-round={round} data-testid="judgement-distribution">
      <figcaption>{caption}</figcaption>
      <div className="distribution-layout">
        <div className="distribution-chart">
          {tallies.map((t) => (t.released ? <DivergingBar key={t.perspective} tally={t} label={`As the ${t.perspective}`} /> : null))}
          <ScaleKey />
        </div>
        <JudgementTable caption={caption} columns={tallies.map((t) => ({ key: t.perspective, label: `As the ${t.perspective}`, tally: t }))} />
      </div>
    </figure>
  );
}

/**
 * The exact counts per judgement level: one column per tally (a perspective, or a round), one
 * row per level, then the people who answered and the average. A withheld tally's column is one
 * cell saying when it appears: no figure of it is shown.
 */
function JudgementTable({ caption, columns }: { caption: string; columns: { key: string; label: string; tally: RoomState["tallies"][number] }[] }) {
  const rows = [
    ...JUDGEMENT_SCALE.map((step) => ({ key: String(step.value), label: step.label, value: (t: ReleasedTally) => String(t.judgements.find((j) => j.value === step.value)?.count ?? 0) })),
    { key: "answered", label: "Answered", value: (t: ReleasedTally) => String(t.respondents) },
    { key: "average", label: "Average (−3 to +3)", value: (t: ReleasedTally) => (t.respondents > 0 ? formatSigned(t.meanJudgement) : "–") },
  ];
  return (
    <TableScroll label={caption}>
      <table className="judgement-table">
        <caption className="visually-hidden">{caption}: people per level of the 7-point scale</caption>
        <thead>
          <tr>
            <th scope="col">Judgement</th>
            {columns.map((c) => (
              <th scope="col" key={c.key}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={row.key}>
              <th scope="row">
                {index < JUDGEMENT_SCALE.length ? <span className={`swatch level-${levelClass(JUDGEMENT_SCALE[index]!.value)}`} aria-hidden="true" /> : null}
                {row.label}
              </th>
              {columns.map(({ key, tally }) =>
                tally.released ? (
                  <td key={key}>{row.value(tally)}</td>
                ) : index === 0 ? (
                  <td key={key} rowSpan={rows.length} className="withheld-cell">
                    {resultsAppearAt(tally.k)}.
                  </td>
                ) : null,
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

/**
 * "How the room moved": per perspective, round 1's and round 2's judgement on one centre line,
 * each option's share in round 1 with an arrow to its share in round 2, and who moved as the
 * released shift says (nothing of a withheld one).
 */
export function RoomMovement({ state }: { state: Pick<RoomState, "tallies" | "shift" | "perspectives"> }) {
  const movement = roomMovement(
    state.tallies,
    state.shift,
    state.perspectives.map((p) => p.key),
  );
  return (
    <div className="movement-grid" data-testid="room-movement">
      {movement.map((m) => (
        <section key={m.perspective} className="movement" aria-labelledby={`moved-${m.perspective}`} data-perspective={m.perspective}>
          <h2 id={`moved-${m.perspective}`}>As the {m.perspective}</h2>
          {m.shift ? (
            <ul className="shift-summary" aria-label={`Who moved as the ${m.perspective}`}>
              <li>
                <span aria-hidden="true">↗ </span>
                {m.shift.towardRight} judged it more right
              </li>
              <li>
                <span aria-hidden="true">↘ </span>
                {m.shift.towardWrong} judged it more wrong
              </li>
              <li>
                <span aria-hidden="true">⇄ </span>
                {m.shift.changedOption} changed their action
              </li>
              <li className="muted">of {m.shift.people} who answered both rounds</li>
            </ul>
          ) : (
            <p className="withheld">Who moved is not shown: fewer than {m.k ?? "k"} people answered both rounds, or some answered only one.</p>
          )}
          <figure className="distribution">
            <figcaption>Judgement, round 1 and round 2</figcaption>
            <div className="distribution-layout">
              <div className="distribution-chart">
                {m.before ? <DivergingBar tally={m.before} label="Round 1" /> : null}
                {m.after ? <DivergingBar tally={m.after} label="Round 2" /> : null}
                {m.before || m.after ? <ScaleKey /> : null}
              </div>
              <JudgementTable
                caption={`Judgement as the ${m.perspective}, round 1 and round 2`}
                columns={[1, 2].flatMap((round) => {
                  const tally = state.tallies.find((t) => t.round === round && t.perspective === m.perspective);
                  return tally ? [{ key: `r${round}`, label: `Round ${round}`, tally }] : [];
                })}
              />
            </div>
          </figure>
          {m.options ? (
            <TableScroll label={`Actions as the ${m.perspective}, round 1 and round 2`}>
              <table className="option-movement">
                <caption>What people would do, round 1 → round 2</caption>
                <thead>
                  <tr>
                    <th scope="col">Action</th>
                    <th scope="col">Round 1</th>
                    <th scope="col">Round 2</th>
                    <th scope="col">
                      <span className="visually-hidden">Picture</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {m.options.map((o) => (
                    <tr key={o.id}>
                      <th scope="row">
                        <bdi>{o.label}</bdi>
                      </th>
                      <td>
                        {o.before} ({formatPercent(o.before, m.before!.respondents)})
                      </td>
                      <td>
                        {o.after} ({formatPercent(o.after, m.after!.respondents)})
                      </td>
                      <td className="move-cell" aria-hidden="true">
                        <MoveArrow from={o.beforeShare} to={o.afterShare} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          ) : (
            <p className="withheld">Actions in both rounds appear once both rounds&apos; results are shown.</p>
          )}
        </section>
      ))}
    </div>
  );
}

/** A share in round 1 (a dot) with an arrow to its share in round 2, on a 0–100 % track. */
function MoveArrow({ from, to }: { from: number; to: number }) {
  const [a, b] = [from * 100, to * 100];
  const direction = b > a ? "up" : b < a ? "down" : "same";
  return (
    <span className={`move-track move-${direction}`}>
      <span className="move-line" style={{ left: `${Math.min(a, b)}%`, width: `${Math.abs(b - a)}%` }} />
      <span className="move-from" style={{ left: `${a}%` }} />
      <span className="move-to" style={{ left: `${b}%` }} />
    </span>
  );
}
