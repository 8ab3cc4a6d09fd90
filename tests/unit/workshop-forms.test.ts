import { describe, expect, it } from "vitest";
import type { CaseDocument } from "../../app/domain/case-file";
import { workshopVoteForm } from "../../app/domain/workshop-forms";
import { parseForm } from "../../app/http/forms";

type Perspectives = CaseDocument["perspectives"];
const options = (...texts: string[]) => texts.map((text) => ({ id: text.toLowerCase().replace(/ /g, "-"), text }));
const two: Perspectives = [
  { key: "employee", prompt: "As the employee?", options: options("Report", "Stay quiet", "Ask a manager", "Resign") },
  { key: "employer", prompt: "As the employer?", options: options("Fire", "Warn") },
];

function form(values: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(values)) data.append(name, value);
  return data;
}

describe("workshopVoteForm", () => {
  it("accepts one option, by its stable id, and one judgement per perspective (ADR 017)", () => {
    const result = parseForm(workshopVoteForm(two), form({ "option-employee": "resign", "judgement-employee": "-3", "option-employer": "warn", "judgement-employer": "2" }));
    expect(result.ok && result.data).toEqual({ movedBy: null, "option-employee": "resign", "judgement-employee": -3, "option-employer": "warn", "judgement-employer": 2 });
  });

  it("names the perspective whose answer is missing or not one of its options, and refuses an option's position", () => {
    for (const posted of ["4", "1", "fire", ""]) {
      const result = parseForm(workshopVoteForm(two), form({ "option-employee": posted, "judgement-employee": "0", "option-employer": "warn" }));
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.errors["option-employee"]).toBe("Choose what you would do as the employee.");
      expect(result.errors["judgement-employer"]).toBe("Choose a judgement as the employer.");
    }
  });

  it("is built once per shape, and a shape with other options gets its own choices", () => {
    expect(workshopVoteForm(two)).toBe(workshopVoteForm(two.map((p) => ({ ...p }))));
    const fewer: Perspectives = [two[0]!, { ...two[1]!, options: options("Fire") }];
    expect(workshopVoteForm(fewer)).not.toBe(workshopVoteForm(two));
    const result = parseForm(workshopVoteForm(fewer), form({ "option-employee": "report", "judgement-employee": "0", "option-employer": "warn", "judgement-employer": "0" }));
    expect(result.ok).toBe(false);
    expect(parseForm(workshopVoteForm(two), form({ "option-employee": "report", "judgement-employee": "0", "option-employer": "warn", "judgement-employer": "0" })).ok).toBe(true);
  });
});
