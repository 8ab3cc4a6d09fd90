/**
 * Small groups stay hidden everywhere (k = 5): online, 4 HR people answer a case next to 10
 * managers; in a workshop, 4 HR phones vote next to 10 managers and 5 front-line staff. The HR
 * people all give one distinctive answer, so any breakdown that singled them out would show it.
 * Pages, single-fetch JSON, the live stream, the debrief and the CSV are all checked, and the
 * workshop exports must carry no name, device token, account id or email.
 */
import { expect, request, test, type APIRequestContext } from "@playwright/test";
import { createHash } from "node:crypto";
import {
  advanceTo,
  answerCase,
  baseURL,
  contextFor,
  control,
  createWorkshop,
  fixtures,
  get,
  joinWorkshop,
  phoneOptionId,
  peekStream,
  postForm,
  setProfile,
  signUp,
  unique,
  type WorkshopFixture,
} from "./helpers";

test.describe.configure({ mode: "serial" });

const HR_LABEL = "HR / people team";
const FRONTLINE_LABEL = "Front line";
/** What the HR people answer: option 1 and "clearly right" (+3), unlike anyone else. */
const HR_OPTION = 1;

/** React's text separators removed, so page text can be matched as a reader sees it. */
const plain = (html: string) => html.replace(/<!-- -->/g, "");

/** Short failure messages: pages are long. */
function expectAbsent(body: string, needle: string | RegExp, where: string): void {
  const found = typeof needle === "string" ? body.includes(needle) : needle.test(body);
  expect(found, `${String(needle).slice(0, 40)} in ${where}`).toBe(false);
}

/** Strings in a single-fetch (turbo-stream) body, decoded from its JSON string literals. */
function dataStrings(body: string): string[] {
  const strings: string[] = [];
  for (const line of body.split("\n")) {
    if (!line.startsWith("[")) continue;
    try {
      const walk = (value: unknown): void => {
        if (typeof value === "string") strings.push(value);
        else if (Array.isArray(value)) value.forEach(walk);
        else if (value && typeof value === "object") Object.entries(value).forEach(([k, v]) => (strings.push(k), walk(v)));
      };
      walk(JSON.parse(line));
    } catch {
      // Not a JSON line (promise chunks): look at it as text below.
    }
  }
  return strings;
}

test.describe("online results", () => {
  const hr: APIRequestContext[] = [];
  const managers: APIRequestContext[] = [];
  const slug = () => fixtures().cases.privacy;

  test.beforeAll(async () => {
    test.setTimeout(90_000);
    // The five fixture accounts are managers already; five more make ten, and four HR people.
    for (let i = 0; i < 9; i += 1) {
      const ctx = await request.newContext({ baseURL });
      const isHr = i < 4;
      const name = isHr ? `Harriet Hr ${i + 1}` : `Manny Manager ${i - 3}`;
      await signUp(ctx, { email: `${unique(isHr ? "hr" : "manager")}@security.test`, name });
      await setProfile(ctx, name, isHr ? "hr" : "manager");
      (isHr ? hr : managers).push(ctx);
    }
    for (const name of ["admin", "participant", "facilitator", "other-facilitator", "author"] as const) managers.push(await contextFor(name));
    for (const ctx of hr) await answerCase(ctx, slug(), HR_OPTION, 3);
    for (const [i, ctx] of managers.entries()) await answerCase(ctx, slug(), i % 2 === 0 ? 0 : 2, -2);
  });

  test.afterAll(async () => {
    for (const ctx of [...hr, ...managers]) await ctx.dispose();
  });

  test("the results page never shows the 4 HR people as a group, for them or anyone else", async () => {
    for (const ctx of [hr[0]!, managers[0]!, managers.at(-1)!]) {
      const page = plain(await (await get(ctx, `/cases/${slug()}/results`)).text());
      // Released in steps of k = 5 complete answers (ADR 009): the 11th to 14th wait for the next step.
      expect(page.includes("10 people answered"), "the released totals are shown").toBe(true);
      expectAbsent(page, HR_LABEL, "the results page");
      // One manager group next to a merged remainder would give the remainder away, so nothing is broken down.
      expect(page.match(/Not broken down: [^<.]*/g)).toEqual([
        "Not broken down: any breakdown would single out a group of fewer than 5 people",
        "Not broken down: any breakdown would single out a group of fewer than 5 people",
      ]);
    }
  });

  test("the results JSON (single fetch) carries no HR group and no per-person rows", async () => {
    for (const ctx of [hr[0]!, managers[0]!]) {
      const response = await get(ctx, `/cases/${slug()}/results.data`);
      expect(response.status()).toBe(200);
      const body = await response.text();
      const strings = dataStrings(body);
      expect(strings, "a standing key in the results data").not.toContain("hr");
      expect(strings).not.toContain(HR_LABEL);
      expectAbsent(body, /"hr"/, "the results data");
      // Other people's names and emails (the viewer's own name is in the header).
      for (const person of ["Harriet Hr 2", fixtures().accounts.participant.email]) expectAbsent(body, person, "the results data");
    }
  });

  test("the case page, /me and the library say nothing about who chose what", async () => {
    const manager = managers[0]!;
    for (const path of [`/cases/${slug()}`, `/cases/${slug()}.data`, "/me.data", "/", "/.data"]) {
      const body = await (await get(manager, path)).text();
      expect(dataStrings(body), path).not.toContain("hr");
      expectAbsent(body, /"hr"|Harriet Hr/, path);
    }
    // /me lists only my own two answers.
    const me = plain(await (await get(hr[0]!, "/me")).text());
    const answers = me.match(/As the (employee|employer):/g) ?? [];
    expect(answers).toHaveLength(2);
  });
});

test.describe("workshop exports and live views", () => {
  let workshop: WorkshopFixture;
  const names: string[] = [];
  const tokens: string[] = [];
  let facilitator: APIRequestContext;

  test.beforeAll(async () => {
    test.setTimeout(90_000);
    facilitator = await contextFor("facilitator");
    workshop = await createWorkshop(facilitator, fixtures().cases.privacy, "Privacy room", { twoRounds: undefined });
    const phones: { ctx: APIRequestContext; standing: string }[] = [];
    const groups = [
      { standing: "hr", count: 4, name: "Hana Hr" },
      { standing: "manager", count: 10, name: "Milo Manager" },
      { standing: "frontline", count: 5, name: "Fern Frontline" },
    ];
    for (const group of groups) {
      for (let i = 1; i <= group.count; i += 1) {
        const ctx = await request.newContext({ baseURL });
        const name = `${group.name} ${i}`;
        await joinWorkshop(ctx, workshop.code, name, group.standing);
        names.push(name);
        const cookie = (await ctx.storageState()).cookies.find((c) => c.name === "casebook_device")!;
        tokens.push(decodeURIComponent(cookie.value));
        phones.push({ ctx, standing: group.standing });
      }
    }
    await advanceTo(facilitator, workshop.id, "Vote, round 1");
    for (const { ctx, standing } of phones) {
      const option = standing === "hr" ? HR_OPTION : 0;
      const judgement = standing === "hr" ? "3" : standing === "manager" ? "-2" : "-1";
      const ids = { employee: await phoneOptionId(ctx, workshop.code, "employee", option), employer: await phoneOptionId(ctx, workshop.code, "employer", option) };
      const response = await postForm(ctx, `/w/${workshop.code}`, {
        intent: "vote",
        "option-employee": ids.employee,
        "judgement-employee": judgement,
        "option-employer": ids.employer,
        "judgement-employer": judgement,
      });
      expect(response.status()).toBe(200);
      await ctx.dispose();
    }
    expect((await control(facilitator, workshop.id, "close-voting")).status()).toBe(200);
  });

  test.afterAll(async () => {
    await facilitator.dispose();
  });

  /** Everything that could identify a person: names, device cookies and their hashes, accounts. */
  function identifiers(): string[] {
    const accounts = Object.values(fixtures().accounts);
    return [...names, ...deviceSecrets(), ...accounts.map((a) => a.email), ...accounts.map((a) => a.name), "@security.test"];
  }

  /** Device cookies, the tokens inside them, and the SHA-256 the database keeps. */
  function deviceSecrets(): string[] {
    const raw = tokens.map((t) => {
      // The cookie is the signed, base64-encoded JSON of the token.
      const [encoded] = t.split(".");
      return JSON.parse(Buffer.from(encoded!, "base64").toString("utf8")) as string;
    });
    return [...tokens, ...raw, ...raw.map((t) => createHash("sha256").update(t).digest("hex"))];
  }

  test("while the workshop runs, neither export breaks anything down by standing", async () => {
    const csv = await (await get(facilitator, `/workshops/${workshop.id}/positions.csv`)).text();
    const rows = csv
      .trim()
      .split("\r\n")
      .slice(1)
      .map((line) => line.split(","));
    expect(rows).toHaveLength(19 * 2);
    expect(new Set(rows.map((r) => r[6]))).toEqual(new Set(["shown when the workshop has ended"]));
    const debrief = await (await get(facilitator, `/workshops/${workshop.id}/debrief.md`)).text();
    expect(debrief.split("\n").filter((line) => /^\| (Manager|HR|Front line|Other standings)/.test(line))).toEqual([]);
    expect(debrief).toContain("By standing: shown when the workshop has ended.");
  });

  test("the control panel, projector, comparison and their JSON carry no per-person standing or vote", async () => {
    for (const path of [
      `/workshops/${workshop.id}`,
      `/workshops/${workshop.id}.data`,
      `/workshops/${workshop.id}/projector.data`,
      `/workshops/${workshop.id}/compare`,
      `/workshops/${workshop.id}/compare.data`,
    ]) {
      const body = await (await get(facilitator, path)).text();
      expectAbsent(body, HR_LABEL, path);
      expect(dataStrings(body), `${path}: a standing in the data`).not.toContain("hr");
      expectAbsent(body, /"hr"/, path);
      for (const secret of deviceSecrets()) expectAbsent(body, secret, path);
    }
    // The live stream sends the same state.
    const stream = await peekStream(facilitator, `/workshops/${workshop.id}/events`);
    expect(stream.status).toBe(200);
    expect(stream.firstChunk).toContain("event: state");
    expect(stream.firstChunk).not.toMatch(/"standing"\s*:\s*"hr"/);
  });

  test("a phone sees only room totals: no names beside answers, no standings", async () => {
    const phone = await request.newContext({ baseURL });
    await joinWorkshop(phone, workshop.code, "Late Larry", "");
    for (const path of [`/w/${workshop.code}`, `/w/${workshop.code}.data`]) {
      const body = await (await get(phone, path)).text();
      for (const name of names) expectAbsent(body, name, path);
      expectAbsent(body, /"hr"|HR \/ people team/, path);
    }
    const stream = await peekStream(phone, `/workshops/${workshop.id}/events`);
    expect(stream.status).toBe(200);
    for (const name of names) expectAbsent(stream.firstChunk, name, "the phone's live stream");
    await phone.dispose();
  });

  test("once it has ended, the CSV has anonymous respondents numbered per round, and HR (and the next smallest group) merged", async () => {
    expect((await control(facilitator, workshop.id, "end", { confirm: "yes" })).status()).toBe(200);
    const response = await get(facilitator, `/workshops/${workshop.id}/positions.csv`);
    expect(response.status()).toBe(200);
    const csv = await response.text();
    for (const id of identifiers()) expectAbsent(csv, id, "the CSV");
    const [header, ...rows] = csv
      .trim()
      .split("\r\n")
      .map((line) => line.split(","));
    expect(header).toEqual(["respondent", "round", "perspective", "option", "judgement", "judgement_label", "standing"]);
    expect(rows).toHaveLength(19 * 2);
    expect(new Set(rows.map((r) => r[0]))).toEqual(new Set(Array.from({ length: 19 }, (_, i) => `r1-${i + 1}`)));
    const standings = new Set(rows.map((r) => r[6]));
    expect([...standings].sort()).toEqual(["manager", "merged small groups"]);
    // Every HR answer (judgement 3) is in the merged group, together with the 5 front-line people.
    const hrRows = rows.filter((r) => r[4] === "3");
    expect(hrRows).toHaveLength(8);
    for (const row of hrRows) expect(row[6]).toBe("merged small groups");
    expect(rows.filter((r) => r[6] === "merged small groups")).toHaveLength((4 + 5) * 2);
  });

  test("the debrief breaks down only groups of at least k and names nobody", async () => {
    const response = await get(facilitator, `/workshops/${workshop.id}/debrief.md`);
    expect(response.status()).toBe(200);
    const debrief = await response.text();
    for (const id of identifiers()) expectAbsent(debrief, id, "the debrief");
    const standingRows = debrief.split("\n").filter((line) => /^\| (Manager|HR|Front line|Other standings)/.test(line));
    expect(standingRows.length).toBeGreaterThan(0);
    for (const row of standingRows) {
      expect(row).not.toContain(HR_LABEL);
      expect(row).not.toContain(FRONTLINE_LABEL);
    }
    expect(standingRows.some((row) => row.startsWith("| Other standings (merged) | 9 |"))).toBe(true);
    expect(standingRows.some((row) => row.startsWith("| Manager | 10 |"))).toBe(true);
  });
});
