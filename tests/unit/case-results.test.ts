import { describe, expect, it } from "vitest";
import {
  foldResultRows,
  gapResult,
  groupLabel,
  perspectiveResult,
  summarizeShift,
  UNDECLARED_STANDING,
  type GapCell,
  type PerspectiveInput,
  type PositionCell,
  type ShiftCell,
} from "../../app/domain/case-results";
import { OTHER_GROUP } from "../../app/domain/disclosure";

const K = 5;

const employee: PerspectiveInput = {
  key: "employee",
  prompt: "You are the screener. What do you do?",
  // Ids as wordings keep the cells below readable; real ids are slugs (ADR 017).
  options: ["Report the record", "Delay and help", "Ask your manager"].map((text) => ({ id: text, text })),
};

function cell(overrides: Partial<PositionCell> & { count: number }): PositionCell {
  return { perspective: "employee", standing: "frontline", optionId: "Report the record", judgement: 0, legal: "unsure", ...overrides };
}

function shift(overrides: Partial<ShiftCell> & { count: number }): ShiftCell {
  return { perspective: "employee", firstJudgement: 0, ...overrides };
}

function gap(standing: string | null, value: number, count: number): GapCell {
  return { standing, gap: value, count };
}

describe("perspectiveResult", () => {
  it("withholds every result while fewer than k people have answered as that perspective", () => {
    const cells = [cell({ standing: "frontline", count: 2 }), cell({ standing: "manager", count: 2 })];
    const result = perspectiveResult(employee, cells, [shift({ firstJudgement: 2, count: 3 })], K);
    expect(result).toEqual({
      key: "employee",
      prompt: "You are the screener. What do you do?",
      respondents: 4,
      withheld: "Results appear once at least 5 people have answered as the employee.",
      options: [],
      judgements: [],
      meanJudgement: 0,
      legalByLean: [],
      byStanding: { groups: [], suppressed: null },
      shift: summarizeShift([]),
    });
  });

  it("does not count answers given as another perspective towards k", () => {
    const cells = [cell({ count: 4 }), cell({ perspective: "employer", optionId: "Fire the screener", count: 20 })];
    const result = perspectiveResult(employee, cells, [], K);
    expect(result.respondents).toBe(4);
    expect(result.withheld).not.toBeNull();
  });

  it("shows results once exactly k people have answered", () => {
    const result = perspectiveResult(employee, [cell({ count: 5 })], [], K);
    expect(result.withheld).toBeNull();
    expect(result.respondents).toBe(5);
  });

  it("counts each option in the order offered, keeping offered options nobody chose at zero", () => {
    const cells = [
      cell({ optionId: "Ask your manager", count: 3 }),
      cell({ optionId: "Report the record", count: 2 }),
      cell({ optionId: "Ask your manager", standing: "manager", count: 1 }),
      cell({ perspective: "employer", optionId: "Delay and help", count: 9 }),
    ];
    const result = perspectiveResult(employee, cells, [], K);
    expect(result.options).toEqual([
      { id: "Report the record", label: "Report the record", count: 2, offered: true },
      { id: "Delay and help", label: "Delay and help", count: 0, offered: true },
      { id: "Ask your manager", label: "Ask your manager", count: 4, offered: true },
    ]);
  });

  it("keeps votes for an option the case no longer offers, marked as not offered", () => {
    const cells = [cell({ optionId: "Report the record", count: 4 }), cell({ optionId: "Call the applicant", count: 2 })];
    const result = perspectiveResult(employee, cells, [], K);
    expect(result.options).toEqual([
      { id: "Report the record", label: "Report the record", count: 4, offered: true },
      { id: "Delay and help", label: "Delay and help", count: 0, offered: true },
      { id: "Ask your manager", label: "Ask your manager", count: 0, offered: true },
      { id: "Call the applicant", label: "Call the applicant", count: 2, offered: false },
    ]);
  });

  it("names a removed option by the wording it last had, and counts a reworded one as the same option (ADR 017)", () => {
    const cells = [cell({ optionId: "refuse", count: 4 }), cell({ optionId: "call-the-applicant", count: 2 })];
    const reworded: PerspectiveInput = {
      ...employee,
      options: [{ id: "refuse", text: "Decline" }, ...employee.options],
      labels: new Map([
        ["refuse", "Decline"],
        ["call-the-applicant", "Call the applicant"],
      ]),
    };
    const result = perspectiveResult(reworded, cells, [], K);
    expect(result.options.filter((o) => o.count > 0)).toEqual([
      { id: "refuse", label: "Decline", count: 4, offered: true },
      { id: "call-the-applicant", label: "Call the applicant", count: 2, offered: false },
    ]);
  });

  it("ignores a cell with nobody in it for an option the case no longer offers", () => {
    const cells = [cell({ optionId: "Report the record", count: 5 }), cell({ optionId: "Call the applicant", count: 0 })];
    const result = perspectiveResult(employee, cells, [], K);
    expect(result.options.map((o) => o.label)).toEqual(["Report the record", "Delay and help", "Ask your manager"]);
  });

  it("spreads judgements over all seven points of the scale, from clearly wrong to clearly right", () => {
    const cells = [cell({ judgement: -3, count: 1 }), cell({ judgement: 2, count: 3 }), cell({ judgement: 2, standing: "manager", count: 2 }), cell({ judgement: 0, count: 1 })];
    const result = perspectiveResult(employee, cells, [], K);
    expect(result.judgements).toEqual([
      { value: -3, label: "Clearly wrong", count: 1 },
      { value: -2, label: "Mostly wrong", count: 0 },
      { value: -1, label: "Somewhat wrong", count: 0 },
      { value: 0, label: "Torn / neither", count: 1 },
      { value: 1, label: "Somewhat right", count: 0 },
      { value: 2, label: "Mostly right", count: 5 },
      { value: 3, label: "Clearly right", count: 0 },
    ]);
  });

  it("weights the mean judgement by how many people gave each answer", () => {
    // (3 × 3 + 1 × −3 + 2 × 0) / 6 = 1
    const cells = [cell({ judgement: 3, count: 3 }), cell({ judgement: -3, count: 1 }), cell({ judgement: 0, count: 2 })];
    expect(perspectiveResult(employee, cells, [], K).meanJudgement).toBe(1);
  });

  it("cross-tabulates whether people thought it legal against whether they judged it right or wrong", () => {
    const cells = [
      cell({ legal: "yes", judgement: 3, count: 2 }),
      cell({ legal: "yes", judgement: 1, count: 1 }),
      cell({ legal: "yes", judgement: -2, count: 1 }),
      cell({ legal: "no", judgement: 0, count: 2 }),
      cell({ legal: "no", judgement: -1, count: 3 }),
    ];
    const result = perspectiveResult(employee, cells, [], K);
    expect(result.legalByLean).toEqual([
      { legal: "yes", counts: { wrong: 1, torn: 0, right: 3 } },
      { legal: "no", counts: { wrong: 3, torn: 2, right: 0 } },
      { legal: "unsure", counts: { wrong: 0, torn: 0, right: 0 } },
    ]);
  });

  it("breaks results down by standing, each group with its own option counts and mean judgement", () => {
    const cells = [
      cell({ standing: "frontline", optionId: "Delay and help", judgement: 3, count: 4 }),
      cell({ standing: "frontline", optionId: "Report the record", judgement: -1, count: 2 }),
      cell({ standing: "manager", optionId: "Report the record", judgement: -2, count: 5 }),
    ];
    const result = perspectiveResult(employee, cells, [], K);
    expect(result.byStanding).toEqual({
      suppressed: null,
      groups: [
        {
          key: "frontline",
          count: 6,
          meanJudgement: (4 * 3 + 2 * -1) / 6,
          options: [
            { id: "Report the record", label: "Report the record", count: 2, offered: true },
            { id: "Delay and help", label: "Delay and help", count: 4, offered: true },
            { id: "Ask your manager", label: "Ask your manager", count: 0, offered: true },
          ],
        },
        {
          key: "manager",
          count: 5,
          meanJudgement: -2,
          options: [
            { id: "Report the record", label: "Report the record", count: 5, offered: true },
            { id: "Delay and help", label: "Delay and help", count: 0, offered: true },
            { id: "Ask your manager", label: "Ask your manager", count: 0, offered: true },
          ],
        },
      ],
    });
  });

  it("merges two small standings into 'other' when together they reach k, and counts their answers there", () => {
    const cells = [
      cell({ standing: "frontline", judgement: 1, count: 7 }),
      cell({ standing: "hr", optionId: "Ask your manager", judgement: -3, count: 2 }),
      cell({ standing: "manager", optionId: "Delay and help", judgement: 2, count: 3 }),
    ];
    const result = perspectiveResult(employee, cells, [], K);
    expect(result.byStanding.suppressed).toBeNull();
    expect(result.byStanding.groups.map((g) => [g.key, g.count])).toEqual([
      ["frontline", 7],
      [OTHER_GROUP, 5],
    ]);
    const other = result.byStanding.groups[1];
    expect(other.options).toEqual([
      { id: "Report the record", label: "Report the record", count: 0, offered: true },
      { id: "Delay and help", label: "Delay and help", count: 3, offered: true },
      { id: "Ask your manager", label: "Ask your manager", count: 2, offered: true },
    ]);
    expect(other.meanJudgement).toBe((2 * -3 + 3 * 2) / 5);
  });

  it("hides a standing with fewer than k people by merging it with the smallest other standing", () => {
    const cells = [cell({ standing: "frontline", count: 10 }), cell({ standing: "manager", judgement: 2, count: 6 }), cell({ standing: "hr", judgement: -1, count: 2 })];
    const result = perspectiveResult(employee, cells, [], K);
    expect(result.byStanding.groups.map((g) => [g.key, g.count, g.meanJudgement])).toEqual([
      ["frontline", 10, 0],
      [OTHER_GROUP, 8, (6 * 2 + 2 * -1) / 8],
    ]);
  });

  it("groups people who have not declared a standing as 'undeclared'", () => {
    const cells = [cell({ standing: null, judgement: -2, count: 5 }), cell({ standing: "manager", judgement: 2, count: 5 })];
    const result = perspectiveResult(employee, cells, [], K);
    expect(result.byStanding.groups.map((g) => [g.key, g.count, g.meanJudgement])).toEqual([
      ["manager", 5, 2],
      [UNDECLARED_STANDING, 5, -2],
    ]);
  });

  it("merges a handful of undeclared people into 'other' like any small standing", () => {
    const cells = [cell({ standing: "frontline", count: 8 }), cell({ standing: "manager", count: 9 }), cell({ standing: null, count: 3 }), cell({ standing: "hr", count: 2 })];
    const result = perspectiveResult(employee, cells, [], K);
    expect(result.byStanding.groups.map((g) => [g.key, g.count])).toEqual([
      ["manager", 9],
      ["frontline", 8],
      [OTHER_GROUP, 5],
    ]);
  });

  it("keeps the real 'other' standing's answers apart from the merged small standings", () => {
    const cells = [
      cell({ standing: "other", optionId: "Report the record", judgement: -3, count: 6 }),
      cell({ standing: "hr", optionId: "Delay and help", judgement: 3, count: 3 }),
      cell({ standing: "manager", optionId: "Delay and help", judgement: 3, count: 2 }),
    ];
    const result = perspectiveResult(employee, cells, [], K);
    expect(result.byStanding.groups.map((g) => [g.key, g.count, g.meanJudgement, g.options.map((o) => o.count)])).toEqual([
      ["other", 6, -3, [6, 0, 0]],
      [OTHER_GROUP, 5, 3, [0, 5, 0]],
    ]);
  });

  it("does not break down by standing when everyone who answered shares one standing, and says why", () => {
    const result = perspectiveResult(employee, [cell({ standing: "frontline", count: 12 })], [], K);
    expect(result.withheld).toBeNull();
    expect(result.byStanding).toEqual({ groups: [], suppressed: "everyone who answered is in the same group" });
  });

  it("does not break down by standing when no standing has k people", () => {
    const cells = [cell({ standing: "frontline", count: 4 }), cell({ standing: "manager", count: 3 })];
    const result = perspectiveResult(employee, cells, [], K);
    expect(result.byStanding).toEqual({ groups: [], suppressed: "any breakdown would single out a group of fewer than 5 people" });
  });

  it("shows the judgements at first answers of this perspective only", () => {
    const shifts = [
      shift({ firstJudgement: 2, count: 3 }),
      shift({ firstJudgement: -1, count: 1 }),
      shift({ firstJudgement: 0, count: 4 }),
      shift({ perspective: "employer", firstJudgement: 3, count: 7 }),
    ];
    const result = perspectiveResult(employee, [cell({ count: 8 })], shifts, K);
    expect(result.shift.firstJudgements.map((step) => step.count)).toEqual([0, 0, 1, 4, 0, 3, 0]);
    expect(result.shift.firstMeanJudgement).toBeCloseTo(5 / 8);
  });
});

describe("gapResult", () => {
  it("withholds the empathy gap while fewer than k people have answered both perspectives", () => {
    expect(gapResult([gap("frontline", 2, 3), gap("manager", -1, 1)], K)).toEqual({
      people: 4,
      withheld: "The empathy gap appears once at least 5 people have answered as both employee and employer.",
      meanGap: 0,
      byStanding: { groups: [], suppressed: null },
    });
  });

  it("shows no per-person distribution of gaps, only the mean (ADR 009: figures online are sums)", () => {
    const result = gapResult([gap("frontline", -6, 1), gap("frontline", 0, 2), gap("manager", 0, 1), gap("manager", 6, 1), gap(null, 3, 2)], K);
    expect(result.withheld).toBeNull();
    expect(Object.keys(result).sort()).toEqual(["byStanding", "meanGap", "people", "withheld"]);
    expect(result.meanGap).toBeCloseTo(6 / 7);
  });

  it("weights the mean gap by how many people have each gap", () => {
    // (4 × 2 + 1 × −3) / 5 = 1
    const result = gapResult([gap("frontline", 2, 4), gap("manager", -3, 1)], K);
    expect(result.people).toBe(5);
    expect(result.meanGap).toBe(1);
  });

  it("breaks the gap down by standing, with each group's mean", () => {
    const result = gapResult([gap("frontline", 2, 4), gap("frontline", 0, 2), gap("manager", -1, 5)], K);
    expect(result.byStanding).toEqual({
      suppressed: null,
      groups: [
        { key: "frontline", count: 6, meanGap: (4 * 2) / 6 },
        { key: "manager", count: 5, meanGap: -1 },
      ],
    });
  });

  it("merges small standings, undeclared included, into 'other' before breaking the gap down", () => {
    const cells = [gap("frontline", 1, 9), gap("hr", 4, 2), gap(null, -2, 1), gap("manager", 0, 6)];
    const result = gapResult(cells, K);
    expect(result.byStanding.groups).toEqual([
      { key: "frontline", count: 9, meanGap: 1 },
      { key: OTHER_GROUP, count: 9, meanGap: (2 * 4 + 1 * -2 + 6 * 0) / 9 },
    ]);
  });

  it("does not break the gap down when everyone shares one standing", () => {
    const result = gapResult([gap("hr", 1, 3), gap("hr", -1, 3)], K);
    expect(result.meanGap).toBe(0);
    expect(result.byStanding).toEqual({ groups: [], suppressed: "everyone who answered is in the same group" });
  });
});

describe("summarizeShift", () => {
  it("reports every step of the scale at zero, and a mean of 0, when nobody has answered", () => {
    const summary = summarizeShift([]);
    expect(summary.firstJudgements.map((step) => [step.value, step.count])).toEqual([-3, -2, -1, 0, 1, 2, 3].map((value) => [value, 0]));
    expect(summary.firstMeanJudgement).toBe(0);
  });

  it("counts people by the judgement of their first answer, with its label, and averages it", () => {
    const summary = summarizeShift([shift({ firstJudgement: 3, count: 2 }), shift({ firstJudgement: -2, count: 4 }), shift({ firstJudgement: 3, count: 1 })]);
    expect(summary.firstJudgements.find((step) => step.value === 3)).toEqual({ value: 3, label: expect.any(String), count: 3 });
    expect(summary.firstJudgements.find((step) => step.value === -2)!.count).toBe(4);
    expect(summary.firstMeanJudgement).toBeCloseTo((9 - 8) / 7);
  });
});

describe("groupLabel", () => {
  const labels = { frontline: "Front line", manager: "Manager", other: "Other role" };

  it("names a standing by its label", () => {
    expect(groupLabel("frontline", labels)).toBe("Front line");
  });

  it("explains that the merged group protects small groups", () => {
    expect(groupLabel(OTHER_GROUP, labels)).toBe("Other standings (merged to protect small groups)");
  });

  it("names the real 'other' standing by its own label, not as the merged group", () => {
    expect(groupLabel("other", labels)).toBe("Other role");
  });

  it("names people without a declared standing", () => {
    expect(groupLabel(UNDECLARED_STANDING, labels)).toBe("Standing not declared");
  });

  it("falls back to the key for a standing it has no label for", () => {
    expect(groupLabel("contractor", labels)).toBe("contractor");
  });
});

describe("foldResultRows", () => {
  const row = (over: Partial<Parameters<typeof foldResultRows>[0][number]>) => ({
    perspective: "employee",
    standing: "manager",
    optionId: "Report it",
    judgement: 2,
    legal: "yes" as const,
    caseVersionId: 1,
    judgementChange: 0,
    optionChanged: false,
    count: 1,
    ...over,
  });

  it("sums groups that differ only in how people moved into one answer cell, and counts every answer by its first judgement", () => {
    const { cells, shifts } = foldResultRows([
      row({ count: 5 }),
      row({ judgementChange: 3, count: 2 }),
      row({ judgementChange: -1, optionChanged: true, count: 1 }),
      row({ perspective: "employer", judgementChange: 3, count: 4 }),
      row({ standing: null, count: 7 }),
      row({ caseVersionId: 2, count: 1 }),
    ]);
    expect(cells).toEqual([
      { perspective: "employee", standing: "manager", optionId: "Report it", judgement: 2, legal: "yes", caseVersionId: 1, count: 8 },
      { perspective: "employer", standing: "manager", optionId: "Report it", judgement: 2, legal: "yes", caseVersionId: 1, count: 4 },
      { perspective: "employee", standing: null, optionId: "Report it", judgement: 2, legal: "yes", caseVersionId: 1, count: 7 },
      { perspective: "employee", standing: "manager", optionId: "Report it", judgement: 2, legal: "yes", caseVersionId: 2, count: 1 },
    ]);
    // An answer never changed is its own first; a change of option alone keeps the judgement.
    expect(shifts).toEqual([
      { perspective: "employee", firstJudgement: 2, count: 13 },
      { perspective: "employee", firstJudgement: -1, count: 2 },
      { perspective: "employee", firstJudgement: 3, count: 1 },
      { perspective: "employer", firstJudgement: -1, count: 4 },
    ]);
  });

  it("gives nothing for nothing", () => {
    expect(foldResultRows([])).toEqual({ cells: [], shifts: [] });
  });
});
