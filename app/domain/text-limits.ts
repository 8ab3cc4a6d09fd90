/**
 * Every length limit on user and author text, in characters people see (visible-length.ts). The
 * schemas check them; the forms take their HTML `maxlength` from them (`codeUnitCap`), so the
 * browser never cuts off text the server would accept. Kept apart from the schemas so that a
 * page can use a limit without bundling a validator.
 */
export const TEXT_LIMITS = {
  displayName: 60,
  participantName: 40,
  workshopTitle: 120,
  submission: 500,
  /** A role-play room's steelman or rehearsal line (ADR 034). */
  rolePlayText: 1000,
  argument: 2000,
  moderationReason: 300,
  search: 100,
  /** Case file fields (front matter and stage titles). */
  caseTitle: 120,
  caseSummary: 300,
  prompt: 300,
  option: 120,
  judgement: 200,
  discussionQuestion: 300,
  stageTitle: 120,
} as const;

/**
 * Passwords, in Unicode code points as NIST SP 800-63B (5.1.1.2) counts them. `inputMaxLength`
 * is the HTML `maxlength`, which counts UTF-16 code units: at most two per code point.
 */
export const PASSWORD_LIMITS = { min: 10, max: 200, inputMaxLength: 400 } as const;
