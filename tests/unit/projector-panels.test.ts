import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { JudgementDistribution, RoomMovement } from "../../app/components/projector-panels";
import { roundTallies, shiftRows } from "../../app/domain/workshop-view";

const withIds = (texts: string[]) => texts.map((text) => ({ id: text, text }));
const PERSPECTIVES = [
  { key: "employee", prompt: "You are the screener.", options: withIds(["Report", "Delay"]) },
  { key: "employer", prompt: "You own the firm.", options: withIds(["Fire", "Warn"]) },
];

function row(round: number, perspective: string, optionId: string, judgement: number, count: number) {
  return { round, perspective, optionId, judgement, count };
}

/** The markup's text, without tags, with runs of space made one. */
function text(html: string): string {
  return html
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

describe("JudgementDistribution", () => {
  // Employee: 3 counted voters (released at k = 3); employer: 2 (withheld).
  const tallies = roundTallies([row(1, "employee", "Report", -3, 2), row(1, "employee", "Delay", 2, 1), row(1, "employer", "Fire", 1, 2)], PERSPECTIVES, [1], 3);

  it("draws a bar only for a released cell, hidden from assistive technology, and gives its exact counts in the table", () => {
    const html = renderToStaticMarkup(createElement(JudgementDistribution, { state: { tallies }, round: 1 }));
    expect(html.match(/class="diverging-row"/g)).toHaveLength(1);
    expect(html).toMatch(/<div class="diverging-row" aria-hidden="true" data-perspective="employee"/);
    expect(text(html)).toContain("Clearly wrong 2");
    expect(text(html)).toContain("Answered 3");
  });

  it("shows a withheld cell's column as one sentence, with no figure of it anywhere", () => {
    const html = renderToStaticMarkup(createElement(JudgementDistribution, { state: { tallies }, round: 1 }));
    expect(html).toMatch(/<td rowSpan="9" class="withheld-cell">Results appear when 3 people have voted\.<\/td>/i);
    expect(html).not.toContain('data-perspective="employer"');
    // Each level's row holds the employee's count only: one number per row.
    for (const level of ["Mostly wrong", "Somewhat right", "Mostly right"]) expect(text(html)).toMatch(new RegExp(`${level} \\d+ (?!\\d)`));
  });

  it("draws nothing while every cell of the round is withheld", () => {
    const none = roundTallies([row(1, "employee", "Report", -3, 1)], PERSPECTIVES, [1], 3);
    expect(renderToStaticMarkup(createElement(JudgementDistribution, { state: { tallies: none }, round: 1 }))).toBe("");
  });
});

describe("RoomMovement", () => {
  const rows = [row(1, "employee", "Report", -2, 3), row(2, "employee", "Delay", 1, 3), row(1, "employer", "Fire", 0, 3), row(2, "employer", "Fire", 0, 3)];

  it("says who moved only from a released shift, and says a withheld one is not shown", () => {
    const tallies = roundTallies(rows, PERSPECTIVES, [1, 2], 3);
    const shift = shiftRows(
      [
        { perspective: "employee", judgementChange: 3, optionChanged: true, count: 3 },
        { perspective: "employer", judgementChange: 0, optionChanged: false, count: 3 },
      ],
      ["employee", "employer"],
      3,
      { employer: { roundOne: 1, roundTwo: 0 } },
    );
    const html = text(renderToStaticMarkup(createElement(RoomMovement, { state: { tallies, shift, perspectives: PERSPECTIVES } })));
    expect(html).toContain("3 judged it more right");
    expect(html).toContain("3 changed their action");
    expect(html).toContain("Who moved is not shown: fewer than 3 people answered both rounds, or some answered only one.");
    expect(html.match(/judged it more right/g)).toHaveLength(1);
  });
});
