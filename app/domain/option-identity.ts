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
      options: identifyPerspectiveOptions(
        perspective,
        history.map((doc) => doc.perspectives.find((p) => p.key === perspective.key)?.options ?? []),
      ),
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

/** A warning about a file's options, at a 1-based file line (the shape of `CaseFileProblem`). */
export interface OptionWarning {
  line: number;
  /** The option's field path, e.g. `perspectives.employee.options.2`. */
  field: string;
  message: string;
}

/**
 * What a case file's options will do to earlier answers that the author may not mean (ADR 017),
 * against the case's stored versions. Warnings, not problems: the file is valid as written.
 * - An option naming an id the perspective never had becomes a new option; an author who meant
 *   to reword an option has likely mistyped or guessed its id, so the warning lists the ids the
 *   perspective has (current ones first, each with its wording).
 * - A plain wording no earlier version offered, while an option of the newest version left the
 *   list: a rewording in place makes a new option and retires the old one with its answers, so
 *   the warning shows the `{ id: …, text: … }` line that would keep them, for each option that left.
 * Nothing for a new case (no history).
 *
 * @param draft the case as read from the file
 * @param history the case's stored versions, newest first
 * @param lineOf the file line of option `index` of perspective `key`
 */
export function optionIdentityWarnings(draft: CaseDraft, history: readonly CaseDocument[], lineOf: (key: string, index: number) => number): OptionWarning[] {
  if (history.length === 0) return [];
  const identified = identifyOptions(draft, history);
  const warnings: OptionWarning[] = [];
  draft.perspectives.forEach((perspective, slot) => {
    const labels = optionLabels(history, perspective.key);
    if (labels.size === 0) return;
    const latest = history[0]!.perspectives.find((p) => p.key === perspective.key)?.options ?? [];
    const ids = identified.perspectives[slot]!.options.map((option) => option.id);
    const gone = latest.filter((option) => !ids.includes(option.id));
    const offered = new Set(latest.map((option) => option.id));
    const known = [...labels].sort(([a], [b]) => Number(offered.has(b)) - Number(offered.has(a)));
    perspective.options.forEach((option, index) => {
      const id = ids[index]!;
      if (labels.has(id)) return;
      const at = { line: lineOf(perspective.key, index), field: `perspectives.${perspective.key}.options.${index}` };
      if (option.id !== undefined) {
        const list = known.map(([knownId, text]) => `${knownId} (“${text}”${offered.has(knownId) ? "" : ", no longer offered"})`).join(", ");
        warnings.push({
          ...at,
          message: `option id "${option.id}" is new to this case, so “${option.text}” becomes a new option and no earlier answer counts for it. If you meant to reword an option, name its id; the ${perspective.key} options have: ${list}`,
        });
      } else if (gone.length > 0) {
        const lines = gone.map((old) => `- { id: ${old.id}, text: ${JSON.stringify(option.text)} }`).join("  or  ");
        const names = gone.map((old) => `“${old.text}” (id ${old.id})`).join(", ");
        warnings.push({
          ...at,
          message: `“${option.text}” is a new option, and ${names} left the list: ${gone.length === 1 ? "its" : "their"} answers will show as "option no longer offered". If this line rewords it, write it as ${lines}`,
        });
      }
    });
  });
  return warnings;
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
export type BallotMapping = { ok: true; option: CaseOption } | { ok: false; status: 400 | 409; field: "option" | "version"; message: string };

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
export function mapBallotOption(shown: CasePerspective | undefined, current: CasePerspective, optionId: string, currentVersion: number): BallotMapping {
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
