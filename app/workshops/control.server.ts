/**
 * The facilitator's controls: stage changes through the stage machine, and room moderation.
 * Every control is idempotent per submission (ADR 016): a form's key gets its first answer
 * again, and a stage move names the stage it starts from, so a repeat changes nothing.
 */
import { createHmac } from "node:crypto";
import { sessionSecret } from "../accounts/auth.server";
import { serverKey } from "../domain/cookie-keys";
import { readConfig } from "../platform/config.server";
import { inTransaction, lockForTransaction } from "../../db/dialect";
import { assignRoles, roleCounts, roleName } from "../domain/role-assignment";
import { readTimerMinutes, timerDeadline } from "../domain/step-timer";
import { db } from "../platform/db.server";
import type { DB } from "../../db/client";
import { contributionCounts, submissionContribution } from "../domain/counting";
import { removalNotice } from "../domain/disclosure";
import { KEY_REUSED_MESSAGE } from "../domain/idempotency";
import { findCaseVersionDocument } from "../models/cases.server";
import { answerOnce } from "../models/idempotency-keys.server";
import { applyStageAction, isStageId, planRounds, stageLabel, workshopPlan, type Round, type StageAction, type WorkshopPlan } from "../domain/workshop-stages";
import { findText, releaseTextScores, setTextHidden } from "../models/role-play-texts.server";
import { burstWindow, readBurstWindow, readCapacity, VOID_WINDOWS_MINUTES } from "../domain/room-defences";
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
export interface ControlAnswer {
  status: number;
  body: ControlResult;
  replayed: boolean;
}

const STAGE_INTENTS = new Set(["next", "back", "open-voting", "close-voting", "reveal-results", "end"]);

/** What must follow the commit of a control that changed something: live updates, withdrawn rights. */
type AfterCommit = () => void;

/**
 * Runs one facilitator control from its form: once per idempotency key (a repeat gets the first
 * answer, marked `replayed`; a key reused for another control is a 422), inside the transaction
 * that keeps the key. Live announcements and withdrawn rights follow the commit of a first answer.
 */
export async function handleControl(workshop: Workshop, user: Pick<PublicUser, "id">, formData: FormData): Promise<ControlAnswer> {
  const intent = String(formData.get("intent") ?? "");
  const read = readSubmission(formData, null, `user:${user.id}`, `workshop:${workshop.id}`, intent);
  if (!read.ok) return { status: 400, body: { ok: false, message: read.message }, replayed: false };
  const doc = await findCaseVersionDocument(db(), workshop.caseVersionId);
  const plan: WorkshopPlan = workshopPlan(workshop, doc);
  const titles = doc.stages.map((s) => s.title);
  const after: AfterCommit[] = [];
  // Read before the transaction: the secret may have to be read from the database the first time.
  const roleSeed = intent === "assign-roles" ? await workshopRoleSeed(workshop.id) : "";
  const once = await answerOnce<ControlResult>(db(), read.submission, (trx) => control(trx, workshop.id, plan, titles, intent, formData, after, roleSeed));
  if (once.kind === "reused") return { status: 422, body: { ok: false, message: KEY_REUSED_MESSAGE }, replayed: false };
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

/** One control's work, all through `trx`; what must follow the commit goes on `after`. */
async function control(
  trx: DB,
  workshopId: number,
  plan: WorkshopPlan,
  titles: string[],
  intent: string,
  formData: FormData,
  after: AfterCommit[],
  roleSeed: string,
): Promise<{ status: number; body: ControlResult }> {
  const refuse = (status: number, message: string) => ({ status, body: { ok: false, message } });
  const done = (message: string) => {
    after.push(() => announceWorkshopChange(workshopId, { structural: true }));
    return { status: 200, body: { ok: true, message } };
  };

  if (STAGE_INTENTS.has(intent) || intent === "reset-round" || intent === "swap-roles") {
    let action: StageAction;
    if (intent === "reset-round") {
      const rounds = planRounds(plan);
      const round = Number(formData.get("round")) as Round;
      if (!rounds.includes(round)) return refuse(400, `Choose round ${rounds.slice(0, -1).join(", ")} or ${rounds.at(-1)} to reset.`);
      if (formData.get("confirm") !== "yes") return refuse(400, `Tick the box to confirm: resetting round ${round} deletes its votes.`);
      action = { type: "reset-round", round };
    } else if (intent === "swap-roles") {
      // The swap is the move from the shift summary to the swap stage (ADR 032): a repeat, from
      // this page or another, finds the workshop already there and swaps nothing again.
      if (!plan.swap) return refuse(409, "Only a role-play workshop with two rounds swaps roles.");
      action = { type: "next", from: "shift" };
    } else if (intent === "next" || intent === "back") {
      // The stage the page showed: a repeat of the move finds the workshop already moved.
      const from = formData.get("from");
      if (from !== null && (typeof from !== "string" || !isStageId(from, plan) || from === "ended")) return refuse(400, "from: name the stage you are moving from, as the control panel shows it.");
      action = from === null ? { type: intent } : { type: intent, from };
    } else {
      if (intent === "end" && formData.get("confirm") !== "yes") return refuse(400, "Tick the box to confirm: an ended workshop cannot be restarted.");
      action = { type: intent } as StageAction;
    }
    const { before, transition } = await changeStageState(trx, workshopId, (state) => applyStageAction(state, action, plan));
    if (!transition.ok) {
      const movedOn = "from" in action && action.from !== undefined && action.from !== before.stage && before.stage !== "ended";
      return refuse(409, movedOn ? `${transition.reason} Now: ${stageLabel(before.stage, titles)}.` : transition.reason);
    }
    if (transition.already) return { status: 200, body: { ok: true, message: `Already on ${stageLabel(transition.state.stage, titles)}: nothing changed.` } };
    // Rating closed: the step's scores are released now, in the stage change's transaction (ADR 034).
    for (const effect of transition.effects) if (effect.type === "release-ratings") await releaseTextScores(trx, workshopId, effect.kind, readConfig().kThreshold);
    if (transition.effects.some((e) => e.type === "rotate-roles")) {
      return done(transition.state.stage === "swap" ? "Roles swapped: each phone now shows its new role card." : "Back before the swap: everyone plays their earlier role again.");
    }
    return done(intent === "reset-round" ? `Round ${formData.get("round")} is reset.` : "Done.");
  }

  const workshop = await findWorkshop(trx, workshopId);
  if (!workshop) return refuse(404, "There is no such workshop.");
  if (workshop.state.stage === "ended") return refuse(409, "This workshop has ended; it is read-only now.");
  const k = readConfig().kThreshold;

  switch (intent) {
    case "remove-participant": {
      const id = Number(formData.get("participantId"));
      if (!Number.isInteger(id) || !(await removeParticipant(trx, workshopId, id, k))) return refuse(404, "That participant is not in this workshop.");
      after.push(() => withdrawRights({ kind: "participants", workshopId, participantIds: [id] }));
      return done(`Removed: they cannot vote again. ${removalNotice(k)}`);
    }
    case "lock-room":
    case "unlock-room": {
      await setRoomLocked(trx, workshopId, intent === "lock-room");
      return done(intent === "lock-room" ? "The room is locked: nobody new can join. Phones already in keep voting." : "The room is open again: new phones can join.");
    }
    case "set-capacity": {
      const read = readCapacity(formData.get("capacity"));
      if (!read.ok) return refuse(400, read.message);
      await setRoomCapacity(trx, workshopId, read.capacity);
      return done(
        read.capacity === null ? "No capacity: the room takes everyone (unless locked)." : `Capacity set: the room takes at most ${read.capacity} ${read.capacity === 1 ? "person" : "people"}.`,
      );
    }
    case "void-burst": {
      // The first step only counts: the facilitator confirms the count before anyone is removed.
      const window = burstWindow(Number(formData.get("minutes")), Date.now());
      if (!window) return refuse(400, `Choose how far back to look: ${VOID_WINDOWS_MINUTES.join(", ")} minutes.`);
      const count = await countJoinedBetween(trx, workshopId, window.since, window.until);
      const message =
        count === 0
          ? `Nobody still in the room joined in the last ${window.minutes} ${window.minutes === 1 ? "minute" : "minutes"}.`
          : `${count} ${count === 1 ? "phone" : "phones"} joined in the last ${window.minutes} ${window.minutes === 1 ? "minute" : "minutes"}. Confirm below to remove ${count === 1 ? "it" : "them"}.`;
      return { status: 200, body: { ok: true, message, voidPreview: { ...window, count } } };
    }
    case "void-burst-confirm": {
      const window = readBurstWindow(formData.get("since"), formData.get("until"), Date.now());
      if (!window) return refuse(400, "That window could not be read. Choose the minutes again.");
      if (formData.get("confirm") !== "yes") return refuse(400, "Tick the box to confirm: the phones of that window are removed and cannot vote again.");
      const removed = await removeParticipantsJoinedBetween(trx, workshopId, window.since, window.until, k);
      if (removed.length > 0) after.push(() => withdrawRights({ kind: "participants", workshopId, participantIds: removed }));
      return done(`Removed ${removed.length} ${removed.length === 1 ? "phone" : "phones"}: they cannot vote again. ${removalNotice(k)}`);
    }
    case "spotlight":
    case "hide-submission":
    case "show-submission": {
      const id = Number(formData.get("submissionId"));
      const submission = Number.isInteger(id) ? await findSubmission(trx, id) : undefined;
      if (!submission || submission.workshopId !== workshopId) return refuse(404, "That submission is not in this workshop.");
      // Only what the room is shown can be spotlighted (counting.ts): not a hidden one, nor a removed phone's.
      const spotlit = workshop.spotlightSubmissionId === id;
      if (intent === "spotlight") {
        // The state the button asked for (ADR 016): "on" spotlights this submission, "off" takes
        // its spotlight away; a form without it spotlights. Sent again, from this page or
        // another, it changes nothing, where a toggle took the spotlight off again.
        const wanted = formData.get("spotlight") ?? "on";
        if (wanted !== "on" && wanted !== "off") return refuse(400, "spotlight: must be on or off.");
        if (wanted === "on" && spotlit) return done("Already spotlighted: nothing changed.");
        if (wanted === "off" && !spotlit) return done("Not spotlighted: nothing changed.");
        if (wanted === "on" && !contributionCounts(submissionContribution(submission))) return refuse(409, "Only a submission the room is shown can be spotlighted: show it again first.");
        await setSpotlight(trx, workshopId, wanted === "on" ? id : null);
        return done(wanted === "on" ? "Spotlighted." : "Spotlight removed.");
      }
      await setSubmissionHidden(trx, id, intent === "hide-submission");
      if (intent === "hide-submission" && workshop.spotlightSubmissionId === id) await setSpotlight(trx, workshopId, null);
      return done(intent === "hide-submission" ? "Hidden from the room." : "Shown to the room again.");
    }
    case "hide-text":
    case "show-text": {
      // Moderation of a steelman or rehearsal line (ADR 034): hidden from everyone but the
      // facilitator, its ratings kept and counting again when it is shown again (counting.ts).
      const id = Number(formData.get("textId"));
      const text = Number.isInteger(id) ? await findText(trx, id) : undefined;
      if (!text || text.workshopId !== workshopId) return refuse(404, "textId: that text is not in this workshop.");
      const hide = intent === "hide-text";
      if (text.hidden === hide) return done(hide ? "Already hidden: nothing changed." : "Already shown: nothing changed.");
      await setTextHidden(trx, id, hide);
      return done(hide ? "Hidden: only you see it now." : "Shown again.");
    }
    case "assign-roles": {
      const roles = workshop.roles;
      if (!roles) return refuse(409, "This workshop is not run as role-play: it has no roles to assign.");
      // A form without an idempotency key runs outside a transaction (ADR 016); the lock needs one.
      return inTransaction(trx, async (tx) => {
        // The join lock: a phone joining now is either in this assignment or a newcomer after it.
        await lockForTransaction(tx, `workshop-join:${workshopId}`);
        const candidates = await roleCandidates(tx, workshopId);
        if (candidates.length === 0) return refuse(409, "Nobody is in the room yet: assign roles once people have joined.");
        // The room's own seed, and only standings of at least k people spread on their own (ADR 028).
        const assignment = assignRoles({ candidates, roles, seed: roleSeed, minGroup: k });
        await saveRoleAssignment(tx, workshopId, assignment);
        const counts = roleCounts(roles, [...assignment.values()]);
        return done(`Roles assigned: ${roles.map((r) => `${roleName(r)} ${counts[r]}`).join(", ")}. Each phone now shows its role card.`);
      });
    }
    case "move-role": {
      if (!workshop.roles) return refuse(409, "This workshop is not run as role-play: it has no roles.");
      if (workshop.rolesVersion === 0) return refuse(409, "Assign roles first; then you can move people between them.");
      const role = String(formData.get("role") ?? "");
      if (!workshop.roles.includes(role)) return refuse(400, `role: choose one of this room's roles (${workshop.roles.map(roleName).join(", ")}).`);
      const id = Number(formData.get("participantId"));
      const moved = Number.isInteger(id) ? await moveParticipantRole(trx, workshopId, id, role) : "not-found";
      if (moved === "not-found") return refuse(404, "That participant is not in this workshop.");
      return done(moved === "moved" ? `Moved to ${roleName(role)}.` : `Already playing ${roleName(role)}: nothing changed.`);
    }
    case "start-timer": {
      if (!workshop.roles) return refuse(409, "The step timer is for role-play workshops.");
      const read = readTimerMinutes(formData.get("minutes"));
      if (!read.ok) return refuse(400, read.message);
      await setStepTimer(trx, workshopId, { endsAt: timerDeadline(Date.now(), read.minutes), minutes: read.minutes });
      return done(`Timer started: ${read.minutes} ${read.minutes === 1 ? "minute" : "minutes"}.`);
    }
    case "stop-timer": {
      if (!workshop.timer) return done("No timer is running: nothing changed.");
      await setStepTimer(trx, workshopId, null);
      return done("Timer stopped.");
    }
    default:
      return refuse(400, "Unknown control.");
  }
}
