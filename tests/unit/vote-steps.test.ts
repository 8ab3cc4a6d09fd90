import { describe, expect, it } from "vitest";
import type { CaseDocument } from "../../app/domain/case-file";
import { firstStepWithError, parseVoteStep, voteStepToShow } from "../../app/domain/vote-steps";

type Perspectives = CaseDocument["perspectives"];
const options = (...texts: string[]) => texts.map((text) => ({ id: text.toLowerCase().replace(/ /g, "-"), text }));
const two: Perspectives = [
  { key: "employee", prompt: "As the employee?", options: options("Report", "Stay quiet") },
  { key: "employer", prompt: "As the employer?", options: options("Fire", "Warn") },
];

function fields(values: Record<string, string>): URLSearchParams {
  return new URLSearchParams(values);
}

describe("parseVoteStep", () => {
  it("reads a step between 1 and the number of perspectives", () => {
    expect(parseVoteStep("2", 2)).toBe(2);
    expect(parseVoteStep("1", 2)).toBe(1);
  });

  it("refuses anything else: a step past the end, zero, a fraction, text or nothing", () => {
    for (const raw of ["3", "0", "-1", "1.5", "two", "", null, "1e0"]) expect(parseVoteStep(raw, 2), String(raw)).toBeNull();
  });
});

describe("voteStepToShow", () => {
  it("moves on to the employer once the employee's action and judgement are chosen", () => {
    expect(voteStepToShow(two, fields({ "option-employee": "report", "judgement-employee": "-1" }), 2)).toEqual({ step: 2, errors: {} });
  });

  it("stays on the employee's screen, naming what is missing, when it was left unanswered", () => {
    expect(voteStepToShow(two, fields({ "option-employee": "report" }), 2)).toEqual({ step: 1, errors: { "judgement-employee": "Choose a judgement as the employee." } });
    expect(voteStepToShow(two, fields({ "option-employee": "fire", "judgement-employee": "1" }), 2)).toEqual({ step: 1, errors: { "option-employee": "Choose what you would do as the employee." } });
  });

  it("goes back to an earlier screen without asking for anything", () => {
    expect(voteStepToShow(two, fields({}), 1)).toEqual({ step: 1, errors: {} });
  });

  it("never judges the screen being moved to, only those before it", () => {
    expect(voteStepToShow(two, fields({ "option-employee": "stay-quiet", "judgement-employee": "3", "option-employer": "nonsense" }), 2)).toEqual({ step: 2, errors: {} });
  });
});

describe("firstStepWithError", () => {
  it("is the screen of the first perspective with a field error", () => {
    expect(firstStepWithError(two, { "judgement-employer": "Choose a judgement as the employer." })).toBe(2);
    expect(firstStepWithError(two, { "option-employer": "x", "option-employee": "y" })).toBe(1);
  });

  it("is the last screen for an error of the whole vote (what moved you, or the form)", () => {
    expect(firstStepWithError(two, { movedBy: "Choose an argument from the list." })).toBe(2);
    expect(firstStepWithError(two, { form: "Voting is not open right now." })).toBe(2);
  });

  it("is null when nothing is wrong", () => {
    expect(firstStepWithError(two, {})).toBeNull();
  });
});
