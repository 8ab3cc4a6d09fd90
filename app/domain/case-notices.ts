/**
 * The confirmation a case page shows after a change that sent the browser there (issue 16:
 * "no confirmation after publishing"). The change names itself in the redirect's `?notice=`,
 * so the confirmation works without JavaScript and without a session flash; an unknown value
 * shows nothing.
 */
export const CASE_NOTICES = {
  published: "Published. Everyone who can open the library now sees this version.",
  archived: "Archived. The case is hidden from the library; all its answers are kept.",
  restored: "Restored to the library.",
} as const;

export type CaseNotice = keyof typeof CASE_NOTICES;

/** The path of a case page showing `notice`. */
export function casePathWithNotice(slug: string, notice: CaseNotice): string {
  return `/cases/${slug}?notice=${notice}`;
}

/** The confirmation for a `?notice=` value, or null when there is none or it is unknown. */
export function caseNoticeText(value: string | null): string | null {
  return value !== null && Object.hasOwn(CASE_NOTICES, value) ? CASE_NOTICES[value as CaseNotice] : null;
}
