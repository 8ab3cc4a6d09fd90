/**
 * The facilitator's controls: stage changes through the stage machine, and room moderation.
 * CONTROLS lists them by intent, one named handler each; every form is read by a schema of
 * workshop-forms.ts. Every control is idempotent per submission (ADR 016): a form's key gets its
 * first answer again, and a stage move names the stage it starts from, so a repeat changes nothing.
 */
import { createHmac } from "node:crypto";
import { sessionSecret } from "../accounts/auth.server";
import { serverKey } from "../domain/cookie-keys";
import { readConfig } from "../platform/config.server";
import { inTransaction, lockForTransaction } from "../../db/dialect";
import { assignRoles, roleCounts, roleName } from "../domain/role-assignment";
import { timerDeadline } from "../domain/step-timer";
import { db } from "../platform/db.server";
import type { DB } from "../../db/client";
import { contributionCounts, submissionContribution } from "../domain/counting";
import { removalNotice } from "../domain/disclosure";
import { KEY_REUSED_MESSAGE } from "../domain/idempotency";
import { findCaseVersionDocument } from "../models/cases.server";
import { answerOnce } from "../models/idempotency-keys.server";
import { applyStageAction, planRounds, roleChangeRefusal, stageLabel, workshopPlan, type Round, type StageAction, type WorkshopPlan } from "../domain/workshop-stages";
import { capacityForm, confirmForm, idForm, resetRoundForm, roleChoiceForm, spotlightForm, stageMoveForm, timerForm, voidBurstConfirmForm, voidBurstForm } from "../domain/workshop-forms";
import { parseForm, type ActionOutcome } from "../http/forms";
import { findText, releaseTextScores, setTextHidden } from "../models/role-play-texts.server";
import { burstWindow, readBurstWindow, VOID_WINDOWS_MINUTES } from "../domain/room-defences";
import { readSubmission } from "../http/idempotency.server";
import { withdrawRights } from "../live/rights.server";
import type { PublicUser } from "../models/users.server";
import { changeStageState, findWorkshop, setStepTimer, setRoomCapacity, setRoomLocked, setSpotlight, type Workshop } from "../models/workshops.server";
import { countJoinedBetween, moveParticipantRole, removeParticipant, roleCandidates, saveRoleAssignment, removeParticipantsJoinedBetween } from "../models/participants.server";
import { findSubmission, setSubmissionHidden } from "../models/submissions.server";
import { announceWorkshopChange } from "./live-state.server";

export interface ControlResult {
  ok: boolean;
  message: string;
  /** After "void-burst": the phones the chosen window holds, for the facilitator to confirm. */
  voidPreview?: { since: string; until: string; minutes: number; count: number };
}

/** A control's answer; `replayed` when it is the first answer to this form, sent again. */
type Outcome = ActionOutcome<ControlResult>;

/** What must follow the commit of a control that changed something: live updates, withdrawn rights. */
type AfterCommit = () => void;

/** What every control's handler is given; all its queries go through `trx` (its idempotency key's transaction). */
interface ControlContext {
  trx: DB;
  workshopId: number;
  plan: WorkshopPlan;
  /** The case's stage titles, to name a stage in a message. */
  titles: string[];
  intent: string;
  formData: FormData;
  /** What must follow the commit goes here (`done` puts the room's live update). */
  after: AfterCommit[];
  /** The room's role-assignment seed; read for "assign-roles" only (workshopRoleSeed). */
  roleSeed: string;
}

/** A control on the room itself, which an ended workshop refuses: it is given the workshop as it stands. */
interface RoomContext extends ControlContext {
  workshop: Workshop;
  k: number;
}

const refuse = (status: number, message: string): Outcome => ({ status, body: { ok: false, message } });

/** A change is done: the room hears of it once it is committed. */
function done({ after, workshopId }: ControlContext, message: string): Outcome {
  after.push(() => announceWorkshopChange(workshopId, { structural: true }));
  return { status: 200, body: { ok: true, message } };
}

/** Runs a room control on the workshop as it stands, unless it is gone or ended (read-only). */
function onOpenRoom(run: (context: RoomContext) => Promise<Outcome>): (context: ControlContext) => Promise<Outcome> {
  return async (context) => {
    const workshop = await findWorkshop(context.trx, context.workshopId);
    if (!workshop) return refuse(404, "There is no such workshop.");
    if (workshop.state.stage === "ended") return refuse(409, "This workshop has ended; it is read-only now.");
    return run({ ...context, workshop, k: readConfig().kThreshold });
  };
}

/** Every control the panel's forms send, by intent. */
const CONTROLS: Record<string, (context: ControlContext) => Promise<Outcome>> = {
  next: moveStage,
  back: moveStage,
  "open-voting": plainStageAction,
  "close-voting": plainStageAction,
  "reveal-results": plainStageAction,
  end: endWorkshop,
  "reset-round": resetRound,
  "swap-roles": swapRoles,
  "remove-participant": onOpenRoom(removeOneParticipant),
  "lock-room": onOpenRoom(lockRoom),
  "unlock-room": onOpenRoom(lockRoom),
  "set-capacity": onOpenRoom(setCapacity),
  "void-burst": onOpenRoom(countBurst),
  "void-burst-confirm": onOpenRoom(voidBurst),
  spotlight: onOpenRoom(spotlightSubmission),
  "hide-submission": onOpenRoom(moderateSubmission),
  "show-submission": onOpenRoom(moderateSubmission),
  "hide-text": onOpenRoom(moderateText),
  "show-text": onOpenRoom(moderateText),
  "assign-roles": onOpenRoom(assignRoomRoles),
  "move-role": onOpenRoom(moveRole),
  "start-timer": onOpenRoom(startTimer),
  "stop-timer": onOpenRoom(stopTimer),
};

/**
 * Runs one facilitator control from its form (`intent` names it; an unknown one is a 400 before
 * anything else): once per idempotency key (a repeat gets the first answer, marked `replayed`; a
 * key reused for another control is a 422), inside the transaction that keeps the key. Live
 * announcements and withdrawn rights follow the commit of a first answer.
 */
export async function handleControl(workshop: Workshop, user: Pick<PublicUser, "id">, formData: FormData): Promise<Outcome> {
  const intent = String(formData.get("intent") ?? "");
  const handler = Object.hasOwn(CONTROLS, intent) ? CONTROLS[intent]! : undefined;
  if (!handler) return refuse(400, "Unknown control.");
  const read = readSubmission(formData, null, `user:${user.id}`, `workshop:${workshop.id}`, intent);
  if (!read.ok) return refuse(400, read.message);
  const doc = await findCaseVersionDocument(db(), workshop.caseVersionId);
  const plan: WorkshopPlan = workshopPlan(workshop, doc);
  const titles = doc.stages.map((s) => s.title);
  const after: AfterCommit[] = [];
  // Read before the transaction: the secret may have to be read from the database the first time.
  const roleSeed = intent === "assign-roles" ? await workshopRoleSeed(workshop.id) : "";
  const once = await answerOnce<ControlResult>(db(), read.submission, (trx) => handler({ trx, workshopId: workshop.id, plan, titles, intent, formData, after, roleSeed }));
  if (once.kind === "reused") return refuse(422, KEY_REUSED_MESSAGE);
  if (once.kind === "first") for (const run of after) run();
  return { status: once.answer.status, body: once.answer.body, replayed: once.kind === "repeat" };
}

/**
 * The seed a workshop's role assignments are shuffled with (ADR 028): the room's own, from a key
 * only the server has, so nobody can redo the shuffle, and assigning an unchanged room again gives
 * the same split (no fresh draws to compare, which would show who always lands apart).
 */
async function workshopRoleSeed(workshopId: number): Promise<string> {
  return createHmac("sha256", serverKey(await sessionSecret(), "role assignment"))
    .update(String(workshopId))
    .digest("hex");
}

/**
 * Moves the workshop through the stage machine; `doneMessage` is what a change answers. Rating
 * closed releases the step's scores in the move's transaction (ADR 034).
 */
async function applyStage(context: ControlContext, action: StageAction, doneMessage = "Done."): Promise<Outcome> {
  const { trx, workshopId, plan, titles } = context;
  const { before, transition } = await changeStageState(trx, workshopId, (state) => applyStageAction(state, action, plan));
  if (!transition.ok) {
    const movedOn = "from" in action && action.from !== undefined && action.from !== before.stage && before.stage !== "ended";
    return refuse(409, movedOn ? `${transition.reason} Now: ${stageLabel(before.stage, titles)}.` : transition.reason);
  }
  if (transition.already) return { status: 200, body: { ok: true, message: `Already on ${stageLabel(transition.state.stage, titles)}: nothing changed.` } };
  for (const effect of transition.effects) if (effect.type === "release-ratings") await releaseTextScores(trx, workshopId, effect.kind, readConfig().kThreshold);
  if (transition.effects.some((e) => e.type === "rotate-roles")) {
    return done(context, transition.state.stage === "swap" ? "Roles swapped: each phone now shows its new role card." : "Back before the swap: everyone plays their earlier role again.");
  }
  return done(context, doneMessage);
}

/** Next or Back, from the stage the page showed when the form names it: a repeat finds the workshop already moved. */
async function moveStage(context: ControlContext): Promise<Outcome> {
  const form = parseForm(stageMoveForm(context.plan), context.formData);
  if (!form.ok) return refuse(400, form.errors.from!);
  const type = context.intent as "next" | "back";
  return applyStage(context, form.data.from === undefined ? { type } : { type, from: form.data.from });
}

/** Open or close voting, reveal the results: the stage machine says whether they apply now. */
async function plainStageAction(context: ControlContext): Promise<Outcome> {
  return applyStage(context, { type: context.intent } as StageAction);
}

async function endWorkshop(context: ControlContext): Promise<Outcome> {
  const form = parseForm(confirmForm, context.formData);
  if (!form.ok || !form.data.confirm) return refuse(400, "Tick the box to confirm: an ended workshop cannot be restarted.");
  return applyStage(context, { type: "end" });
}

/** Deletes a round's votes and goes back to its vote, once confirmed. */
async function resetRound(context: ControlContext): Promise<Outcome> {
  const form = parseForm(resetRoundForm(planRounds(context.plan)), context.formData);
  if (!form.ok) return refuse(400, Object.values(form.errors)[0]!);
  const round = form.data.round as Round;
  if (!form.data.confirm) return refuse(400, `Tick the box to confirm: resetting round ${round} deletes its votes.`);
  return applyStage(context, { type: "reset-round", round }, `Round ${round} is reset.`);
}

/**
 * The swap is the move from the shift summary to the swap stage (ADR 032): a repeat, from this
 * page or another, finds the workshop already there and swaps nothing again.
 */
async function swapRoles(context: ControlContext): Promise<Outcome> {
  if (!context.plan.swap) return refuse(409, "Only a role-play workshop with two rounds swaps roles.");
  return applyStage(context, { type: "next", from: "shift" });
}

async function removeOneParticipant(context: RoomContext): Promise<Outcome> {
  const { trx, workshopId, k } = context;
  const form = parseForm(idForm("participantId", "That participant is not in this workshop."), context.formData);
  const id = form.ok ? (form.data.participantId as number) : null;
  if (id === null || !(await removeParticipant(trx, workshopId, id, k))) return refuse(404, "That participant is not in this workshop.");
  context.after.push(() => withdrawRights({ kind: "participants", workshopId, participantIds: [id] }));
  return done(context, `Removed: they cannot vote again. ${removalNotice(k)}`);
}

async function lockRoom(context: RoomContext): Promise<Outcome> {
  const lock = context.intent === "lock-room";
  await setRoomLocked(context.trx, context.workshopId, lock);
  return done(context, lock ? "The room is locked: nobody new can join. Phones already in keep voting." : "The room is open again: new phones can join.");
}

async function setCapacity(context: RoomContext): Promise<Outcome> {
  const form = parseForm(capacityForm, context.formData);
  if (!form.ok) return refuse(400, form.errors.capacity!);
  const capacity = form.data;
  await setRoomCapacity(context.trx, context.workshopId, capacity);
  return done(context, capacity === null ? "No capacity: the room takes everyone (unless locked)." : `Capacity set: the room takes at most ${capacity} ${capacity === 1 ? "person" : "people"}.`);
}

/** The first step of voiding a burst only counts: the facilitator confirms the count before anyone is removed. */
async function countBurst(context: RoomContext): Promise<Outcome> {
  const message = `Choose how far back to look: ${VOID_WINDOWS_MINUTES.join(", ")} minutes.`;
  const form = parseForm(voidBurstForm(message), context.formData);
  const window = form.ok ? burstWindow(form.data.minutes, Date.now()) : null;
  if (!window) return refuse(400, message);
  const count = await countJoinedBetween(context.trx, context.workshopId, window.since, window.until);
  const minutes = `${window.minutes} ${window.minutes === 1 ? "minute" : "minutes"}`;
  const answer =
    count === 0
      ? `Nobody still in the room joined in the last ${minutes}.`
      : `${count} ${count === 1 ? "phone" : "phones"} joined in the last ${minutes}. Confirm below to remove ${count === 1 ? "it" : "them"}.`;
  return { status: 200, body: { ok: true, message: answer, voidPreview: { ...window, count } } };
}

/** Removes the phones of the window the count showed, once confirmed. */
async function voidBurst(context: RoomContext): Promise<Outcome> {
  const { trx, workshopId, k } = context;
  const form = parseForm(voidBurstConfirmForm, context.formData);
  const window = form.ok ? readBurstWindow(form.data.since, form.data.until, Date.now()) : null;
  if (!form.ok || !window) return refuse(400, "That window could not be read. Choose the minutes again.");
  if (!form.data.confirm) return refuse(400, "Tick the box to confirm: the phones of that window are removed and cannot vote again.");
  const removed = await removeParticipantsJoinedBetween(trx, workshopId, window.since, window.until, k);
  if (removed.length > 0) context.after.push(() => withdrawRights({ kind: "participants", workshopId, participantIds: removed }));
  return done(context, `Removed ${removed.length} ${removed.length === 1 ? "phone" : "phones"}: they cannot vote again. ${removalNotice(k)}`);
}

/** The submission the form names, if it is in this workshop. */
async function submissionInRoom(context: RoomContext) {
  const form = parseForm(idForm("submissionId", "That submission is not in this workshop."), context.formData);
  const submission = form.ok ? await findSubmission(context.trx, form.data.submissionId as number) : undefined;
  return submission && submission.workshopId === context.workshopId ? submission : undefined;
}

/**
 * Spotlights a submission or takes its spotlight away: the state the button asked for (ADR 016),
 * so sent again, from this page or another, it changes nothing, where a toggle took the spotlight
 * off again. Only what the room is shown can be spotlighted (counting.ts): not a hidden one, nor a
 * removed phone's.
 */
async function spotlightSubmission(context: RoomContext): Promise<Outcome> {
  const submission = await submissionInRoom(context);
  if (!submission) return refuse(404, "That submission is not in this workshop.");
  const form = parseForm(spotlightForm, context.formData);
  if (!form.ok) return refuse(400, form.errors.spotlight!);
  const wanted = form.data.spotlight;
  const spotlit = context.workshop.spotlightSubmissionId === submission.id;
  if (wanted === "on" && spotlit) return done(context, "Already spotlighted: nothing changed.");
  if (wanted === "off" && !spotlit) return done(context, "Not spotlighted: nothing changed.");
  if (wanted === "on" && !contributionCounts(submissionContribution(submission))) return refuse(409, "Only a submission the room is shown can be spotlighted: show it again first.");
  await setSpotlight(context.trx, context.workshopId, wanted === "on" ? submission.id : null);
  return done(context, wanted === "on" ? "Spotlighted." : "Spotlight removed.");
}

/** Hides a submission from the room (and from the spotlight) or shows it again. */
async function moderateSubmission(context: RoomContext): Promise<Outcome> {
  const submission = await submissionInRoom(context);
  if (!submission) return refuse(404, "That submission is not in this workshop.");
  const hide = context.intent === "hide-submission";
  await setSubmissionHidden(context.trx, submission.id, hide);
  if (hide && context.workshop.spotlightSubmissionId === submission.id) await setSpotlight(context.trx, context.workshopId, null);
  return done(context, hide ? "Hidden from the room." : "Shown to the room again.");
}

/**
 * Moderation of a steelman or rehearsal line (ADR 034): hidden from everyone but the
 * facilitator, its ratings kept and counting again when it is shown again (counting.ts).
 */
async function moderateText(context: RoomContext): Promise<Outcome> {
  const form = parseForm(idForm("textId", "textId: that text is not in this workshop."), context.formData);
  const text = form.ok ? await findText(context.trx, form.data.textId as number) : undefined;
  if (!text || text.workshopId !== context.workshopId) return refuse(404, "textId: that text is not in this workshop.");
  const hide = context.intent === "hide-text";
  if (text.hidden === hide) return done(context, hide ? "Already hidden: nothing changed." : "Already shown: nothing changed.");
  await setTextHidden(context.trx, text.id, hide);
  return done(context, hide ? "Hidden: only you see it now." : "Shown again.");
}

/** Splits the room between its roles (ADR 028), under the join lock. */
async function assignRoomRoles(context: RoomContext): Promise<Outcome> {
  const { workshopId, k } = context;
  const roles = context.workshop.roles;
  if (!roles) return refuse(409, "This workshop is not run as role-play: it has no roles to assign.");
  const frozen = roleChangeRefusal(context.workshop.state.stage);
  if (frozen) return refuse(409, frozen);
  // A form without an idempotency key runs outside a transaction (ADR 016); the lock needs one.
  return inTransaction(context.trx, async (tx) => {
    // The join lock: a phone joining now is either in this assignment or a newcomer after it.
    await lockForTransaction(tx, `workshop-join:${workshopId}`);
    const candidates = await roleCandidates(tx, workshopId);
    if (candidates.length === 0) return refuse(409, "Nobody is in the room yet: assign roles once people have joined.");
    // The room's own seed, and only standings of at least k people spread on their own (ADR 028).
    const assignment = assignRoles({ candidates, roles, seed: context.roleSeed, minGroup: k });
    await saveRoleAssignment(tx, workshopId, assignment);
    const counts = roleCounts(roles, [...assignment.values()]);
    return done(context, `Roles assigned: ${roles.map((r) => `${roleName(r)} ${counts[r]}`).join(", ")}. Each phone now shows its role card.`);
  });
}

async function moveRole(context: RoomContext): Promise<Outcome> {
  const { workshop, trx, workshopId } = context;
  if (!workshop.roles) return refuse(409, "This workshop is not run as role-play: it has no roles.");
  if (workshop.rolesVersion === 0) return refuse(409, "Assign roles first; then you can move people between them.");
  const frozen = roleChangeRefusal(workshop.state.stage);
  if (frozen) return refuse(409, frozen);
  const roleForm = parseForm(roleChoiceForm(workshop.roles, `role: choose one of this room's roles (${workshop.roles.map(roleName).join(", ")}).`), context.formData);
  if (!roleForm.ok) return refuse(400, roleForm.errors.role!);
  const role = roleForm.data.role;
  const idRead = parseForm(idForm("participantId", "That participant is not in this workshop."), context.formData);
  const moved = idRead.ok ? await moveParticipantRole(trx, workshopId, idRead.data.participantId as number, role) : "not-found";
  if (moved === "not-found") return refuse(404, "That participant is not in this workshop.");
  return done(context, moved === "moved" ? `Moved to ${roleName(role)}.` : `Already playing ${roleName(role)}: nothing changed.`);
}

async function startTimer(context: RoomContext): Promise<Outcome> {
  if (!context.workshop.roles) return refuse(409, "The step timer is for role-play workshops.");
  const form = parseForm(timerForm, context.formData);
  if (!form.ok) return refuse(400, form.errors.minutes!);
  const minutes = form.data;
  await setStepTimer(context.trx, context.workshopId, { endsAt: timerDeadline(Date.now(), minutes), minutes });
  return done(context, `Timer started: ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`);
}

async function stopTimer(context: RoomContext): Promise<Outcome> {
  if (!context.workshop.timer) return done(context, "No timer is running: nothing changed.");
  await setStepTimer(context.trx, context.workshopId, null);
  return done(context, "Timer stopped.");
}
