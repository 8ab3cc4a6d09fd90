/**
 * A phone's vote, one perspective per screen (issue 16): screen n asks the nth polled
 * perspective, and the last screen sends every perspective's answer together, since a vote is
 * both perspectives or neither (castWorkshopVotes). With JavaScript the screens are steps of one
 * form in the browser; without it, Next and Back post the form and the server shows the screen
 * asked for, after checking the screens before it. Pure: the same rules for both.
 */
import type { CaseDocument } from "./case-file";
import { workshopVoteForm } from "./workshop-forms";

type Perspectives = CaseDocument["perspectives"];
/** Messages by field name. */
type FieldErrors = Record<string, string>;
/** What the steps read of a posted form (a FormData or URLSearchParams). */
interface FormFields {
  get(name: string): FormDataEntryValue | null;
}

/** The screen a Next or Back button asks for: a whole number from 1 to `count`, else null. */
export function parseVoteStep(raw: FormDataEntryValue | null, count: number): number | null {
  if (typeof raw !== "string" || !/^[1-9]\d{0,2}$/.test(raw)) return null;
  const step = Number(raw);
  return step <= count ? step : null;
}

/**
 * The screen to show when `requested` is asked for: it, once every perspective before it has an
 * action and a judgement among its own choices; otherwise the first screen that lacks one, with
 * that perspective's field errors (the same messages as the vote's). The screen asked for is
 * never judged: its answers are still being chosen.
 */
export function voteStepToShow(perspectives: Perspectives, fields: FormFields, requested: number): { step: number; errors: FieldErrors } {
  const shape = workshopVoteForm(perspectives).shape;
  for (const [index, perspective] of perspectives.slice(0, requested - 1).entries()) {
    const errors: FieldErrors = {};
    for (const name of [`option-${perspective.key}`, `judgement-${perspective.key}`]) {
      const value = fields.get(name);
      const parsed = shape[name]!.safeParse(typeof value === "string" ? value : undefined);
      if (!parsed.success) errors[name] = parsed.error.issues[0]?.message ?? "Choose an answer.";
    }
    if (Object.keys(errors).length > 0) return { step: index + 1, errors };
  }
  return { step: requested, errors: {} };
}

/**
 * The screen that shows the first of a refused vote's errors: the first perspective with a field
 * error, else the last screen (where what moved you and the form's own errors are shown), or null
 * when there is no error.
 */
export function firstStepWithError(perspectives: Perspectives | { key: string }[], errors: FieldErrors): number | null {
  if (Object.keys(errors).length === 0) return null;
  const index = perspectives.findIndex((p) => errors[`option-${p.key}`] !== undefined || errors[`judgement-${p.key}`] !== undefined);
  return index === -1 ? perspectives.length : index + 1;
}
