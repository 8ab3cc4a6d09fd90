/** The facilitator's controls: stage changes through the stage machine, and room moderation. */
import { readConfig } from "./config.server";
import { db } from "./db.server";
import { contributionCounts, submissionContribution } from "./domain/counting";
import { removalNotice } from "./domain/disclosure";
import { findCaseVersionDocument } from "./models/cases.server";
import { applyStageAction, type StageAction } from "./domain/workshop-stages";
import { burstWindow, readBurstWindow, readCapacity, VOID_WINDOWS_MINUTES } from "./domain/room-defences";
import { withdrawRights } from "./live/rights.server";
import {
  countJoinedBetween,
  findSubmission,
  removeParticipant,
  removeParticipantsJoinedBetween,
  saveStageState,
  setRoomCapacity,
  setRoomLocked,
  setSpotlight,
  setSubmissionHidden,
  type Workshop,
} from "./models/workshops.server";
import { announceWorkshopChange } from "./workshop-live.server";

export interface ControlResult {
  ok: boolean;
  message: string;
  /** After "void-burst": the phones the chosen window holds, for the facilitator to confirm. */
  voidPreview?: { since: string; until: string; minutes: number; count: number };
}

const STAGE_INTENTS = new Set(["next", "back", "open-voting", "close-voting", "reveal-results", "end"]);

export async function handleControl(workshop: Workshop, formData: FormData): Promise<{ status: number; body: ControlResult }> {
  const intent = String(formData.get("intent") ?? "");
  const refuse = (status: number, message: string) => ({ status, body: { ok: false, message } });
  const done = (message: string) => {
    announceWorkshopChange(workshop.id, { structural: true });
    return { status: 200, body: { ok: true, message } };
  };

  if (STAGE_INTENTS.has(intent) || intent === "reset-round") {
    let action: StageAction;
    if (intent === "reset-round") {
      const round = Number(formData.get("round"));
      if (round !== 1 && round !== 2) return refuse(400, "Choose round 1 or 2 to reset.");
      if (formData.get("confirm") !== "yes") return refuse(400, `Tick the box to confirm: resetting round ${round} deletes its votes.`);
      action = { type: "reset-round", round };
    } else {
      if (intent === "end" && formData.get("confirm") !== "yes") return refuse(400, "Tick the box to confirm: an ended workshop cannot be restarted.");
      action = { type: intent } as StageAction;
    }
    const plan = { caseStages: (await findCaseVersionDocument(db(), workshop.caseVersionId)).stages.length, twoRounds: workshop.twoRounds, resultsMode: workshop.resultsMode };
    const transition = applyStageAction(workshop.state, action, plan);
    if (!transition.ok) return refuse(409, transition.reason);
    await saveStageState(db(), workshop.id, transition.state, transition.effects);
    return done(intent === "reset-round" ? `Round ${formData.get("round")} is reset.` : "Done.");
  }

  if (workshop.state.stage === "ended") return refuse(409, "This workshop has ended; it is read-only now.");

  switch (intent) {
    case "remove-participant": {
      const id = Number(formData.get("participantId"));
      if (!Number.isInteger(id) || !(await removeParticipant(db(), workshop.id, id, readConfig().kThreshold))) return refuse(404, "That participant is not in this workshop.");
      withdrawRights({ kind: "participants", workshopId: workshop.id, participantIds: [id] });
      return done(`Removed: they cannot vote again. ${removalNotice(readConfig().kThreshold)}`);
    }
    case "lock-room":
    case "unlock-room": {
      await setRoomLocked(db(), workshop.id, intent === "lock-room");
      return done(intent === "lock-room" ? "The room is locked: nobody new can join. Phones already in keep voting." : "The room is open again: new phones can join.");
    }
    case "set-capacity": {
      const read = readCapacity(formData.get("capacity"));
      if (!read.ok) return refuse(400, read.message);
      await setRoomCapacity(db(), workshop.id, read.capacity);
      return done(read.capacity === null ? "No capacity: the room takes everyone (unless locked)." : `Capacity set: the room takes at most ${read.capacity} ${read.capacity === 1 ? "person" : "people"}.`);
    }
    case "void-burst": {
      // The first step only counts: the facilitator confirms the count before anyone is removed.
      const window = burstWindow(Number(formData.get("minutes")), Date.now());
      if (!window) return refuse(400, `Choose how far back to look: ${VOID_WINDOWS_MINUTES.join(", ")} minutes.`);
      const count = await countJoinedBetween(db(), workshop.id, window.since, window.until);
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
      const removed = await removeParticipantsJoinedBetween(db(), workshop.id, window.since, window.until, readConfig().kThreshold);
      if (removed.length > 0) withdrawRights({ kind: "participants", workshopId: workshop.id, participantIds: removed });
      return done(`Removed ${removed.length} ${removed.length === 1 ? "phone" : "phones"}: they cannot vote again. ${removalNotice(readConfig().kThreshold)}`);
    }
    case "spotlight":
    case "hide-submission":
    case "show-submission": {
      const id = Number(formData.get("submissionId"));
      const submission = Number.isInteger(id) ? await findSubmission(db(), id) : undefined;
      if (!submission || submission.workshopId !== workshop.id) return refuse(404, "That submission is not in this workshop.");
      // Only what the room is shown can be spotlighted (counting.ts): not a hidden one, nor a removed phone's.
      const spotlit = workshop.spotlightSubmissionId === id;
      if (intent === "spotlight" && !spotlit && !contributionCounts(submissionContribution(submission))) return refuse(409, "Only a submission the room is shown can be spotlighted: show it again first.");
      if (intent === "spotlight") await setSpotlight(db(), workshop.id, spotlit ? null : id);
      else {
        await setSubmissionHidden(db(), id, intent === "hide-submission");
        if (intent === "hide-submission" && workshop.spotlightSubmissionId === id) await setSpotlight(db(), workshop.id, null);
      }
      return done(intent === "spotlight" ? "Spotlight updated." : intent === "hide-submission" ? "Hidden from the room." : "Shown to the room again.");
    }
    default:
      return refuse(400, "Unknown control.");
  }
}
