/**
 * What each audience of a live workshop sees, built in one place: the loaders' first render and
 * every Server-Sent Event come from here, so the page and its live updates never disagree.
 */
import { readConfig } from "../platform/config.server";
import { db } from "../platform/db.server";
import { renderMarkdownCached } from "../platform/markdown-cache.server";
import { caseStageIndex, isVoteStage, reachedRoundTwo, stageLabel, textStepOf, workshopPlan, type Round, type StageId } from "../domain/workshop-stages";
import { facilitatorTexts, roomBestTexts, roomModelAnswers, type BestTexts, type ModelAnswers } from "./role-play-steps.server";
import type { TextKind } from "../domain/role-play-texts";
import { currentRound, roomGap, roundTallies, shiftRows, visibleRounds, type RoomGap, type RoundTally, type ShiftRow } from "../domain/workshop-view";
import { joinRateSince, joinsPerMinute } from "../domain/room-defences";
import { roomSubmissions } from "../domain/counting";
import { liveBus } from "../live/bus.server";
import { WorkshopBroadcaster } from "../live/broadcaster.server";
import { findWorkshop } from "../models/workshops.server";
import { countJoined, joinsBySecond, newestParticipants, presentByRole, type ListedParticipant } from "../models/participants.server";
import { answeredPerRound, workshopGaps, votersInOneRoundOnly, workshopShifts, workshopTallies } from "../models/workshop-tallies.server";
import { listSubmissions } from "../models/submissions.server";
import { onShutdown } from "../platform/shutdown.server";
import { metrics } from "../platform/metrics.server";
import { findCaseVersionDocument } from "../models/cases.server";
import { singleton } from "../platform/singleton.server";
import { roleName } from "../domain/role-assignment";
import type { StepTimer } from "../domain/step-timer";
import { phaseComparison, type PhaseRow } from "../domain/role-play-phases";

export interface RoomState {
  workshopId: number;
  code: string;
  title: string;
  caseTitle: string;
  judgementQuestion: string;
  /** The case's discussion questions, shown while the room discusses (case text, no figure). */
  discussionQuestions: string[];
  stage: StageId;
  stageLabel: string;
  votingOpen: boolean;
  /** How many times round votes were reset: a phone whose vote a reset voided sees it change. */
  voteResets: number;
  round: Round | null;
  ended: boolean;
  resultsMode: "live" | "reveal";
  /** The k-threshold: tallies appear at k counted voters, and removed voters leave the counts only when every count loses at least k of them (ADR 009). */
  k: number;
  caseStage: { number: number; count: number; title: string; html: string } | null;
  /** Options by stable id (ADR 017): phones post the id, never a position. */
  perspectives: { key: string; prompt: string; options: { id: string; text: string }[] }[];
  participants: number;
  answered: Record<number, number>;
  tallies: RoundTally[];
  gap: RoomGap | null;
  shift: ShiftRow[] | null;
  spotlight: { id: number; kind: string; body: string; upvotes: number } | null;
  submissions: { id: number; kind: string; body: string; upvotes: number }[];
  /**
   * Role-play (ADR 028): the room's roles by key and name, never their briefs (each phone's loader
   * reads its own); null for an ordinary workshop.
   */
  roles: { key: string; name: string }[] | null;
  /** Role assignments and moves so far (0: not assigned yet): a phone reads its role card again when it changes. */
  rolesVersion: number;
  /** The step timer running now: its deadline and minutes (ADR 028). */
  timer: StepTimer | null;
  /**
   * Role-play with the swap (ADR 032): whether the empathy gap moved, phase by phase, from the
   * released tallies and gaps; the room (projector, phones) sees it once the workshop has ended,
   * the facilitator always. Null otherwise.
   */
  phases: PhaseRow[] | null;
  /**
   * Role-play's written steps (ADR 034): the best texts of each step whose rating has closed,
   * with coarse released scores, no author, no count. The room sees a step's best at its "best"
   * stage and once the workshop has ended; the facilitator always.
   */
  bestTexts: BestTexts[];
  /** The case author's model answers for the room's roles, once a role-play room with a rehearsal step has ended (ADR 034); not sent to phones. */
  modelAnswers: ModelAnswers[] | null;
}

export interface FacilitatorState extends RoomState {
  /**
   * The last PARTICIPANT_LIST_LIMIT to join, in join order; the panel finds anyone else by name
   * (findParticipantsByName), so a frame costs the same in a room of 10,000 as in one of 200.
   * No standing here: it would single out people in groups smaller than k; standings appear only
   * in k-protected breakdowns. Nor whether each has voted (ADR 009): beside counts that move with
   * each vote that would say who voted what; the control panel shows how many answered instead.
   */
  participantList: ListedParticipant[];
  /** People in the room now playing each of the case's roles (empty without roles): counted, not listed, so it holds in any room. */
  roleCounts: Record<string, number>;
  /** People in the room now: everyone who joined less those removed. */
  inRoom: number;
  hiddenSubmissions: { id: number; kind: string; body: string; upvotes: number }[];
  roomSeesTallies: Round[];
  /** The room's door: locked (no new joins) and its capacity (null: no limit). */
  locked: boolean;
  capacity: number | null;
  /** Joins per minute over the last JOIN_RATE_MINUTES minutes, oldest first, the current minute last: a burst shows. */
  joinsPerMinute: number[];
  /** Every steelman and rehearsal line, for moderation (ADR 034): words, hidden or not, released score; never an author. */
  texts: { id: number; kind: TextKind; body: string; hidden: boolean; score: string | null }[];
}

/** How many minutes of joins the control panel shows. */
export const JOIN_RATE_MINUTES = 10;
/** How many participants, the last to join, each facilitator frame lists. */
export const PARTICIPANT_LIST_LIMIT = 200;

/**
 * The room's view as a phone shows it: only what the phone page renders at this stage. Phones
 * are sent a new state only when this changes, so a room voting at once (tallies and counts
 * moving, which phones do not show while they vote) costs the phones nothing.
 */
export function phoneView(room: RoomState): RoomState {
  return {
    ...room,
    participants: 0,
    answered: {},
    tallies: phonesShowCounts(room.stage, room.round) ? room.tallies : [],
    gap: ["results-1", "shift", "ended"].includes(room.stage) ? room.gap : null,
    shift: room.stage === "shift" || room.stage === "ended" ? room.shift : null,
    spotlight: null,
    submissions: room.stage === "discussion" || room.stage === "vote-2" ? room.submissions : [],
    // The model answers are for the debrief's screens (projector, control panel), not phones (ADR 034).
    modelAnswers: null,
  };
}

/**
 * Phones show the round's tallies once its vote is over, and the room's results once the
 * workshop has ended (the projector's, issue 16); while they vote, no counts at all.
 */
function phonesShowCounts(stage: StageId, round: Round | null): boolean {
  return stage === "ended" || (round !== null && !isVoteStage(stage));
}

export interface WorkshopStates {
  room: RoomState;
  phone: RoomState;
  facilitator: FacilitatorState;
}

/**
 * How much a snapshot holds, each level including the ones before: what phones show, what the
 * room (projector) shows, or everything the facilitator sees (with every participant listed).
 * A snapshot is built to the level the audiences connected here need, no further.
 */
export type Detail = "phone" | "room" | "facilitator";
const DETAIL_RANK: Record<Detail, number> = { phone: 0, room: 1, facilitator: 2 };

/** The phones' state always; the room's from "room" up, the facilitator's at "facilitator". */
export type LiveStates = { phone: RoomState; room?: RoomState; facilitator?: FacilitatorState };

/** Every audience's state, for the facilitator's pages. */
export async function loadWorkshopStates(workshopId: number): Promise<WorkshopStates | null> {
  return (await buildStates(workshopId, "facilitator")) as WorkshopStates | null;
}

/** What the facilitator's frame says of the people in the room: reads bounded by PARTICIPANT_LIST_LIMIT and the number of roles, not the room's size. */
async function facilitatorPeople(workshopId: number) {
  const now = Date.now();
  const [newest, present, joins] = await Promise.all([
    newestParticipants(db(), workshopId, PARTICIPANT_LIST_LIMIT),
    presentByRole(db(), workshopId),
    joinsBySecond(db(), workshopId, joinRateSince(now, JOIN_RATE_MINUTES)),
  ]);
  return { newest, present, joins, now };
}

/** The detail the connected audiences need. */
export function detailFor(audiences: ReadonlySet<string>): Detail {
  return audiences.has("facilitator") ? "facilitator" : audiences.has("room") ? "room" : "phone";
}

async function buildStates(workshopId: number, detail: Detail): Promise<LiveStates | null> {
  const withFacilitator = detail === "facilitator";
  const workshop = await findWorkshop(db(), workshopId);
  if (!workshop) return null;
  const doc = await findCaseVersionDocument(db(), workshop.caseVersionId);
  const k = readConfig().kThreshold;
  const plan = workshopPlan(workshop, doc);
  // A step's best texts are shown at its "best" stage and at the end (the facilitator's panel always).
  const step = textStepOf(workshop.state.stage);
  const roomSeesBest = workshop.state.stage === "ended" || step?.part === "best";
  const perspectives = doc.perspectives.filter((p) => workshop.perspectives.includes(p.key));
  // The room sees the gap and the shift only at the stages that show them; the facilitator always.
  // Skipping them otherwise keeps a vote burst's snapshots to the tallies and counts.
  const roomSeesGap = ["results-1", "shift", "ended"].includes(workshop.state.stage);
  const roomSeesShift = ["shift", "ended"].includes(workshop.state.stage);
  // Phones alone show no counts while they vote (phoneView): a process serving only phones
  // then builds its snapshots without a single tally query.
  const counts = detail !== "phone" || phonesShowCounts(workshop.state.stage, currentRound(workshop.state));
  const none = <T>(empty: T) => Promise.resolve(empty);
  // The shift reads every vote of both rounds; before round 2 there is none to show.
  const needsShift = reachedRoundTwo(workshop.state.stage, plan) && (withFacilitator || (counts && roomSeesShift));
  const [tallyRows, gapRows, shiftCells, oneRoundOnly, participants, answered, submissions, people, best, texts] = await Promise.all([
    counts ? workshopTallies(db(), workshopId) : none([]),
    withFacilitator || (counts && roomSeesGap) ? workshopGaps(db(), workshopId) : none([]),
    needsShift ? workshopShifts(db(), workshopId) : none([]),
    needsShift ? votersInOneRoundOnly(db(), workshopId) : none({}),
    counts ? countJoined(db(), workshopId) : none(0),
    counts ? answeredPerRound(db(), workshopId, perspectives.length) : none({}),
    listSubmissions(db(), workshopId),
    withFacilitator ? facilitatorPeople(workshopId) : none(null),
    withFacilitator || roomSeesBest ? roomBestTexts(db(), workshopId, plan) : none([]),
    withFacilitator ? facilitatorTexts(db(), workshopId, plan) : none([]),
  ]);
  const state = workshop.state;
  const caseIndex = caseStageIndex(state.stage);
  const stage = caseIndex !== null ? doc.stages[caseIndex - 1] : undefined;
  // What the room lists, in what order and with which counts: the one counting rule (counting.ts).
  const listed = roomSubmissions(submissions.submissions, submissions.upvotes);
  const visible = (submission: (typeof listed.shown)[number]) => ({ id: submission.id, kind: submission.kind, body: submission.body, upvotes: submission.upvotes });
  const shown = listed.shown;
  const spotlight = shown.find((s) => s.id === workshop.spotlightSubmissionId);

  const stateFor = (audience: "room" | "facilitator"): RoomState => {
    const rounds = visibleRounds(state, plan, audience);
    const tallies = roundTallies(tallyRows, perspectives, rounds, k);
    const showPhases = plan.swap && (audience === "facilitator" || state.stage === "ended");
    const latestRound = [...rounds].reverse().find((r) => tallyRows.some((t) => t.round === r));
    const roundTwoVisible = rounds.includes(2) && (roomSeesShift || audience === "facilitator");
    return {
      workshopId,
      code: workshop.code,
      title: workshop.title,
      caseTitle: doc.title,
      judgementQuestion: doc.judgement,
      discussionQuestions: doc.discussion,
      stage: state.stage,
      stageLabel: stageLabel(
        state.stage,
        doc.stages.map((s) => s.title),
      ),
      votingOpen: state.votingOpen,
      voteResets: workshop.voteResets,
      round: currentRound(state),
      ended: state.stage === "ended",
      resultsMode: workshop.resultsMode,
      k,
      caseStage: stage && caseIndex !== null ? { number: caseIndex, count: doc.stages.length, title: stage.title, html: renderMarkdownCached(stage.markdown) } : null,
      perspectives,
      participants,
      answered,
      tallies,
      gap: latestRound && (roomSeesGap || audience === "facilitator") ? roomGap(gapRows, latestRound, k) : null,
      shift:
        workshop.twoRounds && roundTwoVisible
          ? shiftRows(
              shiftCells,
              perspectives.map((p) => p.key),
              k,
              oneRoundOnly,
            )
          : null,
      spotlight: spotlight ? visible(spotlight) : null,
      submissions: shown.map(visible),
      roles: workshop.roles ? workshop.roles.map((key) => ({ key, name: roleName(key) })) : null,
      rolesVersion: workshop.rolesVersion,
      timer: workshop.timer,
      phases: showPhases
        ? phaseComparison(
            tallies,
            Object.fromEntries(rounds.map((r) => [r, roomGap(gapRows, r, k)])),
            perspectives.map((p) => p.key),
            k,
          )
        : null,
      bestTexts: audience === "facilitator" ? best : roomSeesBest ? best.filter((b) => state.stage === "ended" || b.kind === step?.kind) : [],
      modelAnswers: roomModelAnswers(workshop, doc, plan),
    };
  };

  const room = stateFor("room");
  return {
    room: detail === "phone" ? undefined : room,
    phone: phoneView(room),
    facilitator: people
      ? {
          ...stateFor("facilitator"),
          // The role each phone plays is shown (assigned, not answered); the standing never (ADR 028).
          participantList: people.newest,
          roleCounts: Object.fromEntries((workshop.roles ?? []).map((role) => [role, people.present.get(role) ?? 0])),
          inRoom: [...people.present.values()].reduce((sum, n) => sum + n, 0),
          hiddenSubmissions: listed.hidden.map(visible),
          roomSeesTallies: visibleRounds(state, plan, "room"),
          locked: workshop.locked,
          capacity: workshop.capacity,
          // Removed phones count too: a burst that was voided still happened.
          joinsPerMinute: joinsPerMinute(people.joins, people.now, JOIN_RATE_MINUTES),
          texts,
        }
      : undefined,
  };
}

/** Snapshots younger than this serve page loads and new streams; a vote burst builds ~10 a second, not one per request. */
const SNAPSHOT_MAX_AGE_MS = 100;

function snapshotCache(): Map<number, { at: number; detail: Detail; promise: Promise<LiveStates | null> }> {
  return singleton("workshop-snapshots", () => new Map());
}

/**
 * Builds a snapshot now, to the given detail, and keeps it for the next SNAPSHOT_MAX_AGE_MS. The
 * facilitator's state is built only when someone here needs it (a room of phones and a projector
 * never ask for the list of every participant), the room's only when a projector or page asks.
 */
export function freshWorkshopStates(workshopId: number, detail: Detail): Promise<LiveStates | null> {
  const promise = buildStates(workshopId, detail);
  const cache = snapshotCache();
  cache.set(workshopId, { at: Date.now(), detail, promise });
  promise.catch(() => cache.delete(workshopId));
  return promise;
}

/** A snapshot at most SNAPSHOT_MAX_AGE_MS old with at least this detail: for loaders and the first event of a stream. */
export function recentWorkshopStates(workshopId: number, detail: Detail): Promise<LiveStates | null> {
  const cached = snapshotCache().get(workshopId);
  const usable = cached && Date.now() - cached.at < SNAPSHOT_MAX_AGE_MS && DETAIL_RANK[cached.detail] >= DETAIL_RANK[detail];
  return usable ? cached.promise : freshWorkshopStates(workshopId, detail);
}

/** What phones must see at once: the stage, voting, the list they read and upvote, their roles and the timer. */
function phoneUrgency(phone: unknown): string {
  const state = phone as RoomState;
  return JSON.stringify([state.stage, state.votingOpen, state.ended, state.submissions.map((s) => [s.id, s.upvotes]), state.rolesVersion, state.timer]);
}

export function workshopBroadcaster(): WorkshopBroadcaster {
  return singleton("workshop-broadcaster", () => {
    const broadcaster = new WorkshopBroadcaster(liveBus(), (id, audiences) => freshWorkshopStates(id, detailFor(audiences)), undefined, phoneUrgency);
    onShutdown(() => broadcaster.closeAll());
    broadcaster.onFanOut((lagMs) => metrics().broadcastLag.observe(lagMs / 1000));
    return broadcaster;
  });
}

/**
 * Call after every change a watcher should see: the broadcaster coalesces the rest. A change of
 * stage or anything the facilitator does drops the cached snapshot, so the next page shows it.
 */
export function announceWorkshopChange(workshopId: number, options: { structural?: boolean } = {}): void {
  if (options.structural) snapshotCache().delete(workshopId);
  // Creating the broadcaster here means it is listening before the first change is published.
  workshopBroadcaster();
  liveBus().publish(workshopId);
}
