/**
 * The room's results where a workshop finishes, drawn the same on the projector and on the
 * phones (issue 16): at the shift stage, how the room moved; once it has ended, the last round's
 * judgement and actions, the movement, the shift and the empathy gap. Only figures the state
 * carries as released are drawn (ADR 009, ADR 021): a withheld cell or shift says when it
 * appears, and nothing here counts anyone.
 */
import type { RoomState } from "~/workshops/live-state.server";
import { lastTalliedRound } from "~/domain/projector-view";
import { JudgementDistribution, RoomMovement } from "./projector-panels";
import { PhaseTable, RoomGapLine, RoundTallies, ShiftTable } from "./workshop-panels";

type ResultsState = Pick<RoomState, "tallies" | "shift" | "perspectives" | "gap"> & Partial<Pick<RoomState, "phases">>;

/** At the shift stage: round 1 beside round 2 and who moved, then the empathy gap. */
export function ShiftResults({ state }: { state: ResultsState }) {
  return (
    <>
      {state.shift ? (
        <>
          <RoomMovement state={state} />
          <ShiftTable state={state} />
        </>
      ) : null}
      <RoomGapLine state={state} />
    </>
  );
}

/** Once the workshop has ended: the last round's results, how the room moved, the gap, and in a role-play with the swap whether the gap moved (ADR 032). */
export function EndResults({ state }: { state: ResultsState }) {
  const round = lastTalliedRound(state.tallies);
  return (
    <>
      <JudgementDistribution state={state} round={round} />
      <RoundTallies state={state} round={round} showJudgements={false} />
      {state.shift ? <RoomMovement state={state} /> : null}
      <ShiftTable state={state} />
      <RoomGapLine state={state} />
      <PhaseTable state={{ phases: state.phases ?? null }} />
    </>
  );
}
