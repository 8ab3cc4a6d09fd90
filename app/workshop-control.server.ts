/** The facilitator's controls: stage changes through the stage machine, and room moderation. */
import { db } from "./db.server";
import { findCaseVersionDocument } from "./models/cases.server";
import { applyStageAction, type StageAction } from "./domain/workshop-stages";
import { findSubmission, removeParticipant, saveStageState, setSpotlight, setSubmissionHidden, type Workshop } from "./models/workshops.server";
import { announceWorkshopChange } from "./workshop-live.server";

export interface ControlResult {
  ok: boolean;
  message: string;
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
      if (!Number.isInteger(id) || !(await removeParticipant(db(), workshop.id, id))) return refuse(404, "That participant is not in this workshop.");
      return done("Removed. Their votes no longer count.");
    }
    case "spotlight":
    case "hide-submission":
    case "show-submission": {
      const id = Number(formData.get("submissionId"));
      const submission = Number.isInteger(id) ? await findSubmission(db(), id) : undefined;
      if (!submission || submission.workshop_id !== workshop.id) return refuse(404, "That submission is not in this workshop.");
      if (intent === "spotlight") await setSpotlight(db(), workshop.id, workshop.spotlightSubmissionId === id ? null : id);
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
