/**
 * The attacker suite's bursts (onlineScenarios' "Bursts"), checked on their own: answers of one
 * burst are planned together, in the app (a plan held in flight while they are sent, so they fold
 * into one trailing plan: ADR 024) and in the reference model (one plan after the burst's last
 * answer). Without this, a replay whose answers were planned one by one anyway would pass the
 * differential check unnoticed: the suite would only seem to play bursts.
 *
 * The script: k = 2, three people of one standing each answer both perspectives, then the
 * results are read. One by one, the first two are released together and the third waits (a cell
 * changed by one person); in one burst, all three are released at once.
 */
import { afterAll, describe, expect, it } from "vitest";
import { startAttackApp } from "./harness";
import { inBursts, onlineReference, replayOnline, type OnlineAction, type OnlineScenario } from "./online";

const app = await startAttackApp();
afterAll(() => app.cleanup());

const introductions: OnlineAction[] = [0, 1, 2].flatMap((person) => ([0, 1] as const).map((perspective): OnlineAction => ({ kind: "hidden-answer", person, perspective })));
const read: OnlineAction = { kind: "read", page: "results", account: 0 };
const scenario = (burst: boolean): OnlineScenario => ({
  k: 2,
  hidden: ["frontline", "frontline", "frontline"],
  attackers: [],
  actions: [...inBursts(introductions, () => burst), read],
  truth: [0, 1, 2, 3, 0, 1],
});

/** How many people the release read last counts, in the app. */
async function releasedInApp(s: OnlineScenario): Promise<number | undefined> {
  const replay = await replayOnline(app, s, s.truth);
  const results = JSON.parse(replay.entries.at(-1)!) as { results?: { released?: { people: number } } };
  return results.results?.released?.people;
}

/** How many people the release read last counts, in the reference model. */
function releasedInReference(s: OnlineScenario): number | undefined {
  const last = onlineReference(s, s.truth).split("\n").at(-1)!;
  return last === "nothing released" ? undefined : (JSON.parse(last) as { overall: string[] }).overall.length;
}

describe("bursts in the attacker suite", () => {
  it("groups runs of answers into numbered bursts, leaving single answers unnumbered", () => {
    const actions = inBursts([...introductions.slice(0, 2), read, introductions[2]!], () => true);
    expect(actions.map((a) => ("burst" in a ? a.burst : undefined))).toEqual([0, 0, undefined, undefined]);
  });

  it("plans answers one by one without bursts, in the app and the reference", async () => {
    expect(releasedInReference(scenario(false))).toBe(2);
    expect(await releasedInApp(scenario(false))).toBe(2);
  });

  it("plans a burst's answers together, in the app and the reference", async () => {
    expect(releasedInReference(scenario(true))).toBe(3);
    expect(await releasedInApp(scenario(true))).toBe(3);
  });
});
