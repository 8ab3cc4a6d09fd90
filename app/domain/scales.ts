/** The answer scales shared by positions, workshops and results. */

export const JUDGEMENT_SCALE = [
  { value: -3, label: "Clearly wrong" },
  { value: -2, label: "Mostly wrong" },
  { value: -1, label: "Somewhat wrong" },
  { value: 0, label: "Torn / neither" },
  { value: 1, label: "Somewhat right" },
  { value: 2, label: "Mostly right" },
  { value: 3, label: "Clearly right" },
] as const;

export type Judgement = (typeof JUDGEMENT_SCALE)[number]["value"];

export function judgementLabel(value: number): string {
  return JUDGEMENT_SCALE.find((step) => step.value === value)?.label ?? "Unknown";
}

export const LEGAL_ANSWERS = ["yes", "no", "unsure"] as const;
export type LegalAnswer = (typeof LEGAL_ANSWERS)[number];
export const LEGAL_LABELS: Record<LegalAnswer, string> = { yes: "Legal / within policy", no: "Not legal / against policy", unsure: "Unsure" };

export const CONFIDENCE_LEVELS = ["low", "medium", "high"] as const;
export type Confidence = (typeof CONFIDENCE_LEVELS)[number];

export const SIDES = ["for", "against", "depends"] as const;
export type Side = (typeof SIDES)[number];
export const SIDE_LABELS: Record<Side, string> = { for: "For", against: "Against", depends: "It depends" };

/** Where a judgement leans: used for "both sides" in bridging and for the legal-vs-ethical table. */
export type Lean = "wrong" | "torn" | "right";
export function leanOf(judgement: number): Lean {
  return judgement < 0 ? "wrong" : judgement > 0 ? "right" : "torn";
}
export const LEAN_LABELS: Record<Lean, string> = { wrong: "Wrong (any degree)", torn: "Torn", right: "Right (any degree)" };
