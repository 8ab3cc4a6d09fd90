import { describe, expect, it } from "vitest";
import type { CaseDocument } from "../../app/domain/case-file";
import { workshopVoteForm } from "../../app/domain/workshop-forms";
import { parseForm } from "../../app/forms";

type Perspectives = CaseDocument["perspectives"];
const two: Perspectives = [
  { key: "employee", prompt: "As the employee?", options: ["Report", "Stay quiet", "Ask a manager", "Resign"] },
  { key: "employer", prompt: "As the employer?", options: ["Fire", "Warn"] },
];

function form(values: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(values)) data.append(name, value);
  return data;
}

describe("workshopVoteForm", () => {
  it("accepts one option and one judgement per perspective, as numbers", () => {
    const result = parseForm(workshopVoteForm(two), form({ "option-employee": "3", "judgement-employee": "-3", "option-employer": "1", "judgement-employer": "2" }));
    expect(result.ok && result.data).toEqual({ movedBy: null, "option-employee": 3, "judgement-employee": -3, "option-employer": 1, "judgement-employer": 2 });
  });

  it("names the perspective whose answer is missing or out of range", () => {
    const result = parseForm(workshopVoteForm(two), form({ "option-employee": "4", "judgement-employee": "0", "option-employer": "1" }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors["option-employee"]).toBe("Choose what you would do as the employee.");
    expect(result.errors["judgement-employer"]).toBe("Choose a judgement as the employer.");
  });

  it("is built once per shape, and a shape with fewer options gets its own bounds", () => {
    expect(workshopVoteForm(two)).toBe(workshopVoteForm(two.map((p) => ({ ...p }))));
    const fewer: Perspectives = [two[0]!, { ...two[1]!, options: ["Fire"] }];
    expect(workshopVoteForm(fewer)).not.toBe(workshopVoteForm(two));
    const result = parseForm(workshopVoteForm(fewer), form({ "option-employee": "0", "judgement-employee": "0", "option-employer": "1", "judgement-employer": "0" }));
    expect(result.ok).toBe(false);
    expect(parseForm(workshopVoteForm(two), form({ "option-employee": "0", "judgement-employee": "0", "option-employer": "1", "judgement-employer": "0" })).ok).toBe(true);
  });
});
