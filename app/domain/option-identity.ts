/**
 * Stable option identities (ADR 017). An answer names its option by an id that stays with the
 * option across case versions when the author moves or rewords it, never by its position in a
 * list. Ids are unique within one perspective of one case, across all its versions; an id, once
 * used, always means that one option. Pure: the model passes the case's earlier versions in.
 */
import type { CaseDocument, CasePerspective } from "./case-file";

/** One option of a perspective as a case version offers it. */
export interface CaseOption {
  /** Stable across versions: lowercase letters and digits joined by single hyphens, e.g. `ask-the-director`. */
  id: string;
  /** The wording this version shows. */
  text: string;
}

/** An option as a case file or the editor gives it: `id` only when it was written down (or decided by the author). */
export interface OptionDraft {
  text: string;
  id?: string;
}

/** A case as read from a file or the editor, before its options are given their identities. */
export type CaseDraft = CaseDocument<OptionDraft>;

export const OPTION_ID_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const OPTION_ID_MAX_LENGTH = 60;
export const OPTION_ID_FORMAT_MESSAGE = `must be lowercase letters and digits joined by single hyphens, at most ${OPTION_ID_MAX_LENGTH} characters, e.g. ask-the-director`;

/** Base ids are cut here, leaving room for a "-2" suffix under OPTION_ID_MAX_LENGTH. */
const BASE_ID_LENGTH = 48;

/**
 * The id a new option with this wording gets: its letters and digits in ASCII lowercase (accents
 * dropped), words joined by hyphens, cut at 48 characters; "option" when nothing is left (a
 * wording in another script, or only symbols). When `taken` already holds it, "-2", "-3" … is added.
 *
 * @param text the option's wording (one line)
 * @param taken ids the new id must differ from (every id the perspective has ever used)
 */
export function optionIdFor(text: string, taken: ReadonlySet<string> = new Set()): string {
  const base =
    text
      .normalize("NFKD")
      .replace(/\p{M}/gu, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+/, "")
      .slice(0, BASE_ID_LENGTH)
      .replace(/-+$/, "") || "option";
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/**
 * Gives every option of a draft its identity, against the case's earlier versions (ADR 017):
 * - an option with an id keeps it (the author said which option it is, whatever its wording);
 * - an option without one is the option that had exactly this wording in the newest earlier
 *   version that offered it, unless that id is already taken in this draft;
 * - otherwise it is a new option, with `optionIdFor` its wording, unlike any id used before.
 * Ids are unique within each perspective of the result. With no history (a new case) every
 * option without an id is new.
 *
 * @param draft the case as read (ids written in the file, or decided in the editor)
 * @param history the case's stored versions, newest first
 */
export function identifyOptions(draft: CaseDraft, history: readonly CaseDocument[]): CaseDocument {
  return {
    ...draft,
    perspectives: draft.perspectives.map((perspective) => ({
      ...perspective,
      options: identifyPerspectiveOptions(perspective, history.map((doc) => doc.perspectives.find((p) => p.key === perspective.key)?.options ?? [])),
    })),
  };
}

function identifyPerspectiveOptions(perspective: CasePerspective<OptionDraft>, earlier: readonly (readonly CaseOption[])[]): CaseOption[] {
  const used = new Set<string>();
  const byText = new Map<string, string>();
  for (const options of earlier) {
    for (const option of options) {
      used.add(option.id);
      if (!byText.has(option.text)) byText.set(option.text, option.id);
    }
  }
  const taken = new Set(perspective.options.flatMap((option) => (option.id ? [option.id] : [])));
  return perspective.options.map((option) => {
    if (option.id) return { id: option.id, text: option.text };
    const known = byText.get(option.text);
    const id = known !== undefined && !taken.has(known) ? known : optionIdFor(option.text, new Set([...used, ...taken]));
    taken.add(id);
    return { id, text: option.text };
  });
}

/**
 * Every option a case has offered in a perspective, by id, with the wording of the newest version
 * that offered it: how results name an option a later version removed.
 *
 * @param versions the case's versions, newest first
 */
export function optionLabels(versions: readonly CaseDocument[], perspective: string): Map<string, string> {
  const labels = new Map<string, string>();
  for (const doc of versions) {
    for (const option of doc.perspectives.find((p) => p.key === perspective)?.options ?? []) if (!labels.has(option.id)) labels.set(option.id, option.text);
  }
  return labels;
}

/** What a ballot's chosen option becomes on the case's current version (`mapBallotOption`). */
export type BallotMapping =
  | { ok: true; option: CaseOption }
  | { ok: false; status: 400 | 409; field: "option" | "version"; message: string };

/**
 * Maps the option a ballot names (by id) onto the case's current version. The ballot carries the
 * version its form was shown with; an option the author has moved or reworded since is the same
 * option, so the answer stands. Refused: an id the shown version did not offer (400, a forged or
 * mistaken form), and an option the current version no longer offers (409: the person must
 * choose again; nothing they saved before is touched).
 *
 * @param shown the perspective as the form showed it (its version's), or undefined when that version lacks it
 * @param current the perspective as the current version has it
 * @param optionId the posted option id
 * @param currentVersion the current version's number, for the message
 */
export function mapBallotOption(
  shown: CasePerspective | undefined,
  current: CasePerspective,
  optionId: string,
  currentVersion: number,
): BallotMapping {
  const offeredThen = shown?.options.find((option) => option.id === optionId);
  if (!offeredThen) return { ok: false, status: 400, field: "option", message: "Choose one of the options shown." };
  const offeredNow = current.options.find((option) => option.id === optionId);
  if (!offeredNow) {
    return {
      ok: false,
      status: 409,
      field: "option",
      message: `“${offeredThen.text}” is no longer offered: the case changed while you were answering (it is now at version ${currentVersion}). Nothing was saved; choose again from the options shown now.`,
    };
  }
  return { ok: true, option: offeredNow };
}
