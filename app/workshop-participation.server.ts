/** What a joined phone can do: vote while a round is open, send arguments or questions, upvote. */
import { db } from "./db.server";
import type { CaseDocument } from "./domain/case-file";
import { isVoteStage, roundOf } from "./domain/workshop-stages";
import { idForm, submissionForm, workshopVoteForm } from "./domain/workshop-forms";
import { parseForm, type FieldErrors } from "./forms";
import { lockForTransaction } from "../db/dialect";
import { addSubmission, castWorkshopVote, findSubmission, toggleUpvote, votesOf, workshopLockKey, type Participant, type Workshop } from "./models/workshops.server";
import { announceWorkshopChange } from "./workshop-live.server";

export interface ParticipationResult {
  intent: string;
  errors: FieldErrors;
  message?: string;
  values?: Record<string, string>;
  /** After a vote: this person's votes as stored, so the page need not reload its data. */
  myVotes?: Awaited<ReturnType<typeof votesOf>>;
}

type Outcome = { status: number; body: ParticipationResult };

class VotingClosed extends Error {}

export async function handleParticipation(workshop: Workshop, doc: CaseDocument, participant: Participant, formData: FormData): Promise<Outcome> {
  const intent = String(formData.get("intent") ?? "");
  const refuse = (status: number, message: string): Outcome => ({ status, body: { intent, errors: { form: message } } });
  if (workshop.state.stage === "ended") return refuse(409, "This workshop has ended. Thank you for taking part.");

  switch (intent) {
    case "vote": {
      const round = roundOf(workshop.state.stage);
      if (round === null || !isVoteStage(workshop.state.stage) || !workshop.state.votingOpen) {
        return refuse(409, "Voting is not open right now. Wait for the facilitator to open it.");
      }
      const perspectives = doc.perspectives.filter((p) => workshop.perspectives.includes(p.key));
      const form = parseForm(workshopVoteForm(perspectives), formData);
      if (!form.ok) return { status: 400, body: { intent, errors: form.errors, values: form.values } };
      const movedBy = round === 2 ? (form.data.movedBy as number | null) : null;
      if (movedBy !== null) {
        const submission = await findSubmission(db(), movedBy);
        if (!submission || submission.workshop_id !== workshop.id) return { status: 400, body: { intent, errors: { movedBy: "Choose an argument from this workshop." } } };
      }
      try {
        // Both perspectives or neither: the vote is acknowledged only once it is stored.
        await db()
          .transaction()
          .execute(async (trx) => {
            await lockForTransaction(trx, workshopLockKey(workshop.id), "shared");
            for (const p of perspectives) {
              const stored = await castWorkshopVote(trx, {
                workshopId: workshop.id,
                participantId: participant.id,
                round,
                perspective: p.key,
                option: p.options[form.data[`option-${p.key}`] as number]!,
                judgement: form.data[`judgement-${p.key}`] as number,
                movedBySubmissionId: movedBy,
              });
              if (!stored) throw new VotingClosed();
            }
          });
      } catch (error) {
        if (error instanceof VotingClosed) return refuse(409, "Voting closed just before your vote arrived, so it was not counted.");
        throw error;
      }
      announceWorkshopChange(workshop.id);
      return {
        status: 200,
        body: { intent, errors: {}, message: "Your vote is in. You can change it while voting is open.", myVotes: await votesOf(db(), workshop.id, participant.id) },
      };
    }

    case "submit": {
      if (workshop.state.stage !== "discussion") return refuse(409, "Arguments and questions can be sent during the discussion.");
      const form = parseForm(submissionForm, formData);
      if (!form.ok) return { status: 400, body: { intent, errors: form.errors, values: form.values } };
      await addSubmission(db(), { workshopId: workshop.id, participantId: participant.id, kind: form.data.kind, body: form.data.body });
      announceWorkshopChange(workshop.id);
      return { status: 200, body: { intent, errors: {}, message: "Sent to the room." } };
    }

    case "upvote": {
      const form = parseForm(idForm("submissionId", "Unknown submission."), formData);
      if (!form.ok) return refuse(400, "Unknown submission.");
      const submission = await findSubmission(db(), form.data.submissionId as number);
      if (!submission || submission.workshop_id !== workshop.id || submission.hidden) return refuse(404, "That is no longer on the list.");
      const result = await toggleUpvote(db(), submission.id, participant.id);
      announceWorkshopChange(workshop.id);
      return { status: 200, body: { intent, errors: {}, message: result === "added" ? "Upvoted." : "Upvote removed." } };
    }

    default:
      return refuse(400, "Unknown action.");
  }
}
