/**
 * What a joined phone can do: vote while a round is open, send arguments or questions, upvote,
 * and write and rate role-play texts; PHONE_INTENTS lists them, one named handler each. Each is
 * idempotent per submission: a repeat of a form's key gets the first answer (ADR 016).
 */
import type { DB } from "../../db/client";
import { db } from "../platform/db.server";
import type { CaseDocument } from "../domain/case-file";
import { normalizeJoinCode } from "../domain/join-code";
import { creditRefusal, submissionContribution } from "../domain/counting";
import { isVoteStage, roundOf } from "../domain/workshop-stages";
import { idForm, submissionForm, upvoteForm, workshopVoteForm } from "../domain/workshop-forms";
import { parseVoteStep, voteStepToShow } from "../domain/vote-steps";
import { parseForm, type ActionOutcome, type FieldErrors, type FormFields } from "../http/forms";
import { KEY_REUSED_MESSAGE } from "../domain/idempotency";
import { readSubmission } from "../http/idempotency.server";
import { answerOnce } from "../models/idempotency-keys.server";
import { findCaseVersionDocument } from "../models/cases.server";
import { findWorkshopAndParticipant, type Workshop } from "../models/workshops.server";
import { hashDeviceToken, type Participant } from "../models/participants.server";
import { castWorkshopVotes, type StoredWorkshopVote } from "../models/workshop-votes.server";
import { addSubmission, findSubmission, setUpvote } from "../models/submissions.server";
import { rateTextOnPhone, writeText } from "./role-play-steps.server";
import { guardCodeLookup } from "./join-code-guard.server";
import { checkRateLimits } from "../http/rate-limit.server";
import { readDeviceTokenFrom } from "./access.server";
import { announceWorkshopChange } from "./live-state.server";
import { metrics } from "../platform/metrics.server";

export interface ParticipationResult {
  intent: string;
  errors: FieldErrors;
  message?: string;
  values?: Record<string, string>;
  /** After a vote: this round's votes as stored, so the page need not reload its data. */
  myVotes?: StoredWorkshopVote[];
  /** Without JavaScript, after Next or Back on the vote: the screen to show (vote-steps.ts). */
  step?: number;
}

/** `replayed`: the first answer to this submission's idempotency key, sent again. */
type Outcome = ActionOutcome<ParticipationResult>;

/** A phone's POST, whichever way it came: the page's forms (a Remix action) or the JSON vote endpoint. */
export interface PhoneSubmission {
  code: string | undefined;
  cookieHeader: string | null;
  /** Served over https (the device cookie then has the __Host- prefix). */
  secure: boolean;
  clientAddress: string;
  form: FormFields;
  /** The JSON vote endpoint takes votes only, whatever the form's `intent` says. */
  intent?: "vote";
  /** The `Idempotency-Key` header, if any (the form's `idempotencyKey` field may carry it instead). */
  idempotencyKeyHeader?: string | null;
}

/** Not in this workshop: the code is unknown, this device has not joined, or this network has guessed too many codes. */
type NotThere = { kind: "no-workshop" } | { kind: "not-joined"; code: string } | { kind: "too-many-guesses"; message: string; retryAfterSeconds: number };
export type PhoneLookup = NotThere | { kind: "joined"; workshop: Workshop; participant: Participant };
/** A phone's answer: a 429 says when to try again. */
export type PhoneOutcome = NotThere | ({ kind: "answer"; retryAfterSeconds?: number } & Outcome);

/**
 * The workshop with this join code and this device's participant in it (removed or not), in one
 * query. A device that joined is answered at once; any other lookup goes through the join-code
 * guard for `clientAddress` (an unknown code spends the network's budget; once it is spent, a
 * known code is refused alike).
 */
export async function findPhone(code: string | undefined, cookieHeader: string | null, secure: boolean, clientAddress: string): Promise<PhoneLookup> {
  const token = await readDeviceTokenFrom(cookieHeader, secure);
  const found = await findWorkshopAndParticipant(db(), normalizeJoinCode(code ?? ""), token && hashDeviceToken(token));
  if (found?.participant) return { kind: "joined", workshop: found.workshop, participant: found.participant };
  const verdict = await guardCodeLookup(clientAddress, found !== undefined);
  if (!verdict.allowed) return { kind: "too-many-guesses", message: verdict.message, retryAfterSeconds: verdict.retryAfterSeconds };
  return found ? { kind: "not-joined", code: found.workshop.code } : { kind: "no-workshop" };
}

/**
 * Finds the workshop and the device's participant, applies the vote rate limits, then acts.
 * A room's votes all come through here at once, so each step is one query.
 */
export async function participateByCode(submission: PhoneSubmission): Promise<PhoneOutcome> {
  const found = await findPhone(submission.code, submission.cookieHeader, submission.secure, submission.clientAddress);
  if (found.kind !== "joined") return found;
  const { workshop, participant } = found;
  if (participant.removed) return { kind: "answer", status: 403, body: { intent: "", errors: { form: "The facilitator removed you from this workshop." } } };
  // Next or Back on the vote without JavaScript: nothing is stored, so no vote budget is spent.
  const step = submission.intent === undefined && submission.form.get("intent") === "vote" ? submission.form.get("step") : null;
  if (step !== null) return { kind: "answer", ...(await showVoteStep(workshop, submission.form, step)) };
  const verdict = await checkRateLimits([
    ["vote-address", submission.clientAddress],
    ["vote-device", `participant:${participant.id}`],
  ]);
  if (!verdict.allowed) return { kind: "answer", status: 429, body: { intent: "", errors: { form: verdict.message } }, retryAfterSeconds: verdict.retryAfterSeconds };
  const doc = await findCaseVersionDocument(db(), workshop.caseVersionId);
  return { kind: "answer", ...(await handleParticipation(workshop, doc, participant, submission.form, submission.intent, submission.idempotencyKeyHeader ?? null)) };
}

/**
 * Next or Back on a phone's vote without JavaScript (with it, the page moves between screens
 * itself): the screen asked for once the ones before it are answered, and the answers so far,
 * which the page carries to the next screen. Nothing is stored until the last screen sends.
 */
async function showVoteStep(workshop: Workshop, formData: FormFields, rawStep: FormDataEntryValue): Promise<Outcome> {
  const intent = "vote";
  const doc = await findCaseVersionDocument(db(), workshop.caseVersionId);
  const perspectives = doc.perspectives.filter((p) => workshop.perspectives.includes(p.key));
  const requested = parseVoteStep(rawStep, perspectives.length);
  if (requested === null) return { status: 400, body: { intent, errors: { form: "That screen of the vote does not exist. Start again from the first one." } } };
  const values: Record<string, string> = {};
  for (const [name, value] of formData.entries()) if (typeof value === "string" && /^(option-|judgement-|movedBy$)/.test(name)) values[name] ??= value;
  const { step, errors } = voteStepToShow(perspectives, formData, requested);
  return { status: Object.keys(errors).length > 0 ? 400 : 200, body: { intent, errors, values, step } };
}

/** What every phone intent's handler is given; every query goes through `database` (the key's transaction, when there is a key). */
interface PhoneContext {
  database: DB;
  workshop: Workshop;
  doc: CaseDocument;
  participant: Participant;
  formData: FormFields;
  intent: string;
}

/** Every intent a phone's forms (and the JSON vote endpoint) send, by name. */
const PHONE_INTENTS: Record<string, (context: PhoneContext) => Promise<Outcome>> = {
  vote: castVote,
  submit: sendSubmission,
  upvote: upvoteSubmission,
  // A steelman or rehearsal line (ADR 034): authorized and checked in role-play-steps.server.ts.
  write: ({ database, workshop, participant, formData }) => writeText(database, workshop, participant, formData),
  rate: ({ database, workshop, participant, formData }) => rateTextOnPhone(database, workshop, participant, formData),
};

const refusal = (intent: string, status: number, message: string): Outcome => ({ status, body: { intent, errors: { form: message } } });

/**
 * Acts on a phone's form (`intent` names it, PHONE_INTENTS lists them; an unknown one is a 400
 * before anything else). With an idempotency key, the act runs once per key: a repeat (a double
 * tap, a retry, a parallel request) gets the first answer, even after voting closed or the
 * workshop ended; the room hears of a change once, after it is committed.
 */
export async function handleParticipation(
  workshop: Workshop,
  doc: CaseDocument,
  participant: Participant,
  formData: FormFields,
  onlyIntent?: "vote",
  keyHeader: string | null = null,
): Promise<Outcome> {
  const intent = onlyIntent ?? String(formData.get("intent") ?? "");
  const handler = Object.hasOwn(PHONE_INTENTS, intent) ? PHONE_INTENTS[intent]! : undefined;
  if (!handler) return refusal(intent, 400, "Unknown action.");
  const read = readSubmission(formData, keyHeader, `participant:${participant.id}`, `workshop:${workshop.id}`, intent);
  if (!read.ok) return refusal(intent, 400, read.message);
  const once = await answerOnce(db(), read.submission, (database) => {
    if (workshop.state.stage === "ended") return Promise.resolve(refusal(intent, 409, "This workshop has ended. Thank you for taking part."));
    return handler({ database, workshop, doc, participant, formData, intent });
  });
  if (once.kind === "reused") return refusal(intent, 422, KEY_REUSED_MESSAGE);
  if (once.kind === "first" && once.answer.status === 200) {
    if (intent === "vote") metrics().votesStored.inc();
    announceWorkshopChange(workshop.id);
  }
  return { ...once.answer, replayed: once.kind === "repeat" };
}

/** A vote on every polled perspective while a round's voting is open; in round 2 it may name what moved the person. */
async function castVote({ database, workshop, doc, participant, formData, intent }: PhoneContext): Promise<Outcome> {
  const round = roundOf(workshop.state.stage);
  if (round === null || !isVoteStage(workshop.state.stage) || !workshop.state.votingOpen) {
    return refusal(intent, 409, "Voting is not open right now. Wait for the facilitator to open it.");
  }
  const perspectives = doc.perspectives.filter((p) => workshop.perspectives.includes(p.key));
  const form = parseForm(workshopVoteForm(perspectives), formData);
  if (!form.ok) return { status: 400, body: { intent, errors: form.errors, values: form.values } };
  const movedBy = round === 2 ? (form.data.movedBy as number | null) : null;
  if (movedBy !== null) {
    // Only an argument the room is shown, by someone else, can be what moved you (counting.ts).
    const submission = await findSubmission(database, movedBy);
    const refused = creditRefusal("moved-by", submission && submission.workshopId === workshop.id ? submissionContribution(submission) : undefined, participant.id);
    if (refused) return { status: 400, body: { intent, errors: { movedBy: refused.message }, values: form.values } };
  }
  // Both perspectives or neither: one statement, which also checks that voting is still open.
  const stored = await castWorkshopVotes(database, {
    workshopId: workshop.id,
    participantId: participant.id,
    round,
    movedBySubmissionId: movedBy,
    // The form names each option by its stable id, checked against the workshop's version (ADR 017).
    answers: perspectives.map((p) => ({ perspective: p.key, option: p.options.find((o) => o.id === form.data[`option-${p.key}`])!, judgement: form.data[`judgement-${p.key}`] as number })),
  });
  if (stored.length === 0) return refusal(intent, 409, "Voting closed just before your vote arrived, so it was not counted.");
  return { status: 200, body: { intent, errors: {}, message: "Your vote is in. You can change it while voting is open.", myVotes: stored } };
}

/** An argument or a question for the room, during the discussion. */
async function sendSubmission({ database, workshop, participant, formData, intent }: PhoneContext): Promise<Outcome> {
  if (workshop.state.stage !== "discussion") return refusal(intent, 409, "Arguments and questions can be sent during the discussion.");
  const form = parseForm(submissionForm, formData);
  if (!form.ok) return { status: 400, body: { intent, errors: form.errors, values: form.values } };
  await addSubmission(database, { workshopId: workshop.id, participantId: participant.id, kind: form.data.kind, body: form.data.body });
  return { status: 200, body: { intent, errors: {}, message: "Sent to the room." } };
}

/**
 * Upvotes a submission or takes the upvote back: the state the button showed it would give
 * (ADR 016), so a second page's or a late repeat's post changes nothing. The counting rule
 * (counting.ts): only what the room is shown, and never one's own.
 */
async function upvoteSubmission({ database, workshop, participant, formData, intent }: PhoneContext): Promise<Outcome> {
  const form = parseForm(idForm("submissionId", "Unknown submission."), formData);
  if (!form.ok) return refusal(intent, 400, "Unknown submission.");
  const submissionId = form.data.submissionId as number;
  const submission = await findSubmission(database, submissionId);
  const refused = creditRefusal("upvote", submission && submission.workshopId === workshop.id ? submissionContribution(submission) : undefined, participant.id);
  if (refused) return refusal(intent, refused.reason === "own" ? 403 : 404, refused.message);
  const wanted = parseForm(upvoteForm, formData);
  if (!wanted.ok) return refusal(intent, 400, wanted.errors.upvoted!);
  const upvoted = wanted.data.upvoted === "yes";
  const result = await setUpvote(database, submissionId, participant.id, upvoted);
  const messages = { added: "Upvoted.", removed: "Upvote removed.", unchanged: upvoted ? "Already upvoted: nothing changed." : "Not upvoted: nothing changed." };
  return { status: 200, body: { intent, errors: {}, message: messages[result] } };
}
