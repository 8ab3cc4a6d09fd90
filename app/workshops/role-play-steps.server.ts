/**
 * A role-play room's steelman and rehearsal steps on the server (ADR 034): what each phone's own
 * loader gets (its instruction, its role's rehearsal prompt, its own text, the texts it rates
 * with its own ratings), the phone's "write" and "rate" actions, and what every audience is shown
 * (the best texts with released scores; the model answers once the room has ended). No author
 * name or rater count leaves here.
 */
import type { DB } from "../../db/client";
import type { CaseDocument } from "../domain/case-file";
import {
  bestTexts,
  rateRefusal,
  ratingSample,
  targetRoleFor,
  textForm,
  textScoreLabel,
  textsToRate,
  writeInstruction,
  writeRefusal,
  type TextFacts,
  type TextKind,
  type TextRating,
} from "../domain/role-play-texts";
import { roleName } from "../domain/role-assignment";
import { textStepOf, TEXT_KINDS, type WorkshopPlan } from "../domain/workshop-stages";
import { parseForm, type ActionOutcome, type FieldErrors, type FormFields } from "../http/forms";
import { idForm, textKindForm, textRatingForm } from "../domain/workshop-forms";
import { renderMarkdownCached } from "../platform/markdown-cache.server";
import { findText, ownRatings, ownText, rateText, saveText, textsOfStep } from "../models/role-play-texts.server";
import type { Workshop } from "../models/workshops.server";
import { participantsOfRole, type Participant } from "../models/participants.server";
import { readConfig } from "../platform/config.server";

/** What a phone shows during a written step, from its own loader (never the room's shared state). */
export interface PhoneTextStep {
  kind: TextKind;
  part: "write" | "rate" | "best";
  /** What to write, in the app's words (the steelman names the role it argues for). */
  instruction: string;
  /** The case's rehearsal prompt for this phone's own role, rendered by the sanitizing renderer; null for a steelman. */
  promptHtml: string | null;
  /** This phone's own text, and whether it has been rated (then it stays as written). */
  own: { body: string; rated: boolean } | null;
  /** While rating: the texts this phone rates (no author), each with this phone's own rating. */
  toRate: { id: number; body: string; mine: TextRating | null }[];
}

/**
 * A phone's part of the current written step, or null when the room is not in one or this phone
 * has no role. Only this participant's role's prompt, own text and own ratings.
 */
export async function phoneTextStep(database: DB, workshop: Workshop, doc: CaseDocument, participant: Participant): Promise<PhoneTextStep | null> {
  const step = textStepOf(workshop.state.stage);
  if (!step || !workshop.roles || participant.removed || participant.role === null || !workshop.roles.includes(participant.role)) return null;
  const target = targetRoleFor(step.kind, workshop.roles, participant.role);
  const prompt = step.kind === "rehearsal" ? doc.rehearsals.find((r) => r.perspective === participant.role)?.prompt : undefined;
  const rating = step.part === "rate";
  const [own, all, mine, raters] = await Promise.all([
    ownText(database, workshop.id, participant.id, step.kind),
    rating ? textsOfStep(database, workshop.id, step.kind) : Promise.resolve([]),
    rating ? ownRatings(database, workshop.id, participant.id, step.kind) : Promise.resolve(new Map<number, TextRating>()),
    rating ? participantsOfRole(database, workshop.id, participant.role) : Promise.resolve([]),
  ]);
  // A large room's raters each see a balanced handful, every text reaching k of them (ratingSample).
  const shown = ratingSample(textsToRate(all, participant), raters.indexOf(participant.id), raters.length, readConfig().kThreshold, new Set(mine.keys()));
  return {
    kind: step.kind,
    part: step.part,
    instruction: writeInstruction(step.kind, target && roleName(target)),
    promptHtml: prompt?.trim() ? renderMarkdownCached(prompt) : null,
    own: own && !own.hidden ? { body: own.body, rated: own.rated } : null,
    toRate: shown.map((t) => ({ id: t.id, body: t.body, mine: mine.get(t.id) ?? null })),
  };
}

/** A phone's answer to "write" or "rate", as participation.server.ts sends it. */
type Answer = ActionOutcome<{ intent: string; errors: FieldErrors; message?: string; values?: Record<string, string> }>;

/**
 * A phone writes (or rewrites) its text of the current step: authorized by `writeRefusal` (the
 * step's writing stage, a role in this room, not yet rated), then the body checked (1 to the
 * limit, plain text). Runs in the idempotency key's transaction.
 */
export async function writeText(database: DB, workshop: Workshop, participant: Participant, formData: FormFields): Promise<Answer> {
  const intent = "write";
  const kindRead = parseForm(textKindForm, formData);
  if (!kindRead.ok) return { status: 400, body: { intent, errors: { kind: kindRead.errors.kind! } } };
  const { kind } = kindRead.data;
  const own = await ownText(database, workshop.id, participant.id, kind);
  const refusal = writeRefusal(kind, workshop.state.stage, workshop.roles, participant, own?.rated ?? false);
  if (refusal) return { status: refusal.status, body: { intent, errors: { [refusal.field]: refusal.message } } };
  const form = parseForm(textForm, formData);
  if (!form.ok) return { status: 400, body: { intent, errors: form.errors, values: form.values } };
  const role = participant.role!;
  const { created } = await saveText(database, { workshopId: workshop.id, participantId: participant.id, kind, role, targetRole: targetRoleFor(kind, workshop.roles!, role), body: form.data.body });
  const message =
    kind === "steelman"
      ? created
        ? "Your steelman is in. You can change it until rating starts."
        : "Your steelman is changed."
      : created
        ? "Your lines are in. You can change them until rating starts."
        : "Your lines are changed.";
  return { status: 200, body: { intent, errors: {}, message } };
}

/**
 * A phone rates a text of the current step: authorized by `rateRefusal` (the rating stage, a
 * text of this room that counts, not one's own, the rater's role rates it), then the rating
 * checked (`textRatingForm`: a 400 naming the field). Runs in the idempotency key's transaction.
 */
export async function rateTextOnPhone(database: DB, workshop: Workshop, participant: Participant, formData: FormFields): Promise<Answer> {
  const intent = "rate";
  const kindRead = parseForm(textKindForm, formData);
  if (!kindRead.ok) return { status: 400, body: { intent, errors: { kind: kindRead.errors.kind! } } };
  const { kind } = kindRead.data;
  const idRead = parseForm(idForm("textId", "textId: choose a text from the list."), formData);
  if (!idRead.ok) return { status: 400, body: { intent, errors: { textId: idRead.errors.textId! } } };
  const id = idRead.data.textId as number;
  const text = await findText(database, id);
  // The text's id comes back with every answer, so the page puts an error beside its own form.
  const values = { textId: String(id) };
  const refusal = rateRefusal(kind, workshop.state.stage, text && text.workshopId === workshop.id ? text : undefined, participant);
  if (refusal) return { status: refusal.status, body: { intent, errors: { [refusal.field]: refusal.message }, values } };
  const rating = parseForm(textRatingForm(kind), formData);
  if (!rating.ok) return { status: 400, body: { intent, errors: rating.errors, values } };
  const result = await rateText(database, id, participant.id, rating.data);
  return { status: 200, body: { intent, errors: {}, values, message: result === "unchanged" ? "Already rated so: nothing changed." : "Rating saved. Scores appear when rating closes." } };
}

/**
 * A step's best texts as every audience sees them: words, the side they speak for, and a coarse
 * released score; no author, no count. `side`: a steelman says whom it makes the case for ("For
 * the Employer"), a rehearsal line which role's prompt it answers ("As the Employee"); roles are
 * the room's own split, not answers, and each holds about half the room.
 */
export interface BestTexts {
  kind: TextKind;
  texts: { id: number; body: string; side: string; score: string }[];
}

function sideOf(text: Pick<TextFacts, "kind" | "role" | "targetRole">): string {
  return text.kind === "steelman" && text.targetRole ? `For the ${roleName(text.targetRole)}` : `As the ${roleName(text.role)}`;
}

/** The best texts of each step the plan has, released scores only (a step before its rating closed shows none). */
export async function roomBestTexts(database: DB, workshopId: number, plan: WorkshopPlan): Promise<BestTexts[]> {
  const kinds = TEXT_KINDS.filter((kind) => plan[kind]);
  return Promise.all(
    kinds.map(async (kind) => ({
      kind,
      texts: bestTexts(await textsOfStep(database, workshopId, kind)).map((t) => ({ id: t.id, body: t.body, side: sideOf(t), score: textScoreLabel(kind, t.releasedScore) })),
    })),
  );
}

/** A step's texts for the facilitator's moderation: words, hidden or not, released score; never the author. */
export async function facilitatorTexts(database: DB, workshopId: number, plan: WorkshopPlan): Promise<{ id: number; kind: TextKind; body: string; hidden: boolean; score: string | null }[]> {
  const kinds = TEXT_KINDS.filter((kind) => plan[kind]);
  const all = (await Promise.all(kinds.map((kind) => textsOfStep(database, workshopId, kind)))).flat();
  return all.filter((t) => !t.authorRemoved).map((t) => ({ id: t.id, kind: t.kind, body: t.body, hidden: t.hidden, score: t.releasedScore === null ? null : textScoreLabel(t.kind, t.releasedScore) }));
}

/** The case author's model answers per role, rendered, for an ended role-play room with a rehearsal step (ADR 034 widens ADR 027 there). */
export interface ModelAnswers {
  role: string;
  name: string;
  prompt: string;
  html: string;
}

/**
 * The author's model answers for each of the room's roles, shown at the debrief: once the room
 * has ended, only in a role-play room with the rehearsal step, and only for the room's roles.
 * Null otherwise.
 */
export function roomModelAnswers(workshop: Pick<Workshop, "roles" | "state">, doc: Pick<CaseDocument, "rehearsals">, plan: WorkshopPlan): ModelAnswers[] | null {
  if (!plan.rehearsal || !workshop.roles || workshop.state.stage !== "ended") return null;
  return workshop.roles.flatMap((role) => {
    const rehearsal = doc.rehearsals.find((r) => r.perspective === role);
    return rehearsal?.modelAnswers?.trim() ? [{ role, name: roleName(role), prompt: rehearsal.prompt, html: renderMarkdownCached(rehearsal.modelAnswers) }] : [];
  });
}
