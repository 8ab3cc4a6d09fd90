/**
 * The online part of the attacker suite: scenarios on one case, the reference model of ADR 009's
 * released results, and the replay of a scenario through the real routes.
 */
import fc from "fast-check";
import type { Standing } from "../../db/schema";
import { mergeSmallGroups } from "../../app/domain/disclosure";
import type { AttackApp, Account } from "./harness";
import { canonical, settle } from "./harness";
import { replayRecorder, type Replay } from "./differential";

export const SLUG = "background-check";
export const PERSPECTIVES = ["employee", "employer"] as const;
/** At most this many hidden answers per scenario: 4^6 = 4,096 worlds to enumerate. */
export const MAX_SLOTS = 6;
/** Endorsements move bridging scores (a release of the endorsers' answers): on unless ATTACK_ENDORSEMENTS=0. */
export const WITH_ENDORSEMENTS = process.env.ATTACK_ENDORSEMENTS !== "0";

/** One answer's secret value: option 0 or 1, judgement −2 or +2 (four values). */
export function answerOf(value: number): { option: number; judgement: number } {
  return { option: value % 2, judgement: value >= 2 ? 2 : -2 };
}
export function describeAnswer(value: number): string {
  const { option, judgement } = answerOf(value);
  return `option ${option}, judgement ${judgement > 0 ? "+" : ""}${judgement}`;
}

export type OnlineAction =
  | { kind: "hidden-answer"; person: number; perspective: 0 | 1 }
  | { kind: "attacker-answer"; account: number; perspective: 0 | 1; value: number }
  | { kind: "attacker-standing"; account: number; standing: Standing | null }
  | { kind: "read"; page: "results" | "library" | "case" | "me"; account: number }
  | { kind: "endorse"; who: "hidden" | "attacker"; index: number };

export interface OnlineScenario {
  k: number;
  /** Hidden people's standings (known to the attacker; only their answers are secret). */
  hidden: (Standing | null)[];
  /** The attacker's own accounts' first standings (at most k − 2 accounts: ADR 009 accepts k − 1). */
  attackers: (Standing | null)[];
  actions: OnlineAction[];
  /** The true world: one value per hidden answer, in order. */
  truth: number[];
}

const standing = fc.constantFrom<Standing | null>("frontline", "manager", "hr", "other", null);

/**
 * Random small populations and action sequences; hidden answers capped at MAX_SLOTS. Steps are
 * weighted towards a person answering both perspectives in a row, so releases (which need k
 * people who answered every perspective) happen in most scenarios.
 */
export function onlineScenarios(): fc.Arbitrary<OnlineScenario> {
  const perspective = fc.constantFrom<0 | 1>(0, 1);
  return fc
    .record({ k: fc.integer({ min: 2, max: 3 }), attackerCount: fc.nat({ max: 1 }) })
    // Mostly populations that can reach k people, sometimes any size from 1 to 4.
    .chain(({ k, attackerCount }) =>
      fc.oneof({ weight: 1, arbitrary: fc.array(standing, { minLength: 1, maxLength: 4 }) }, { weight: 3, arbitrary: fc.array(standing, { minLength: k, maxLength: 4 }) }).map((hidden) => ({ k, hidden, attackerCount })),
    )
    .chain(({ k, hidden, attackerCount }) => {
      const accounts = Math.min(attackerCount, k - 2);
      const person = fc.nat({ max: hidden.length - 1 });
      const account = fc.nat({ max: Math.max(0, accounts - 1) });
      const steps: fc.WeightedArbitrary<OnlineAction[]>[] = [
        // person −1: the next hidden person who has not answered yet (resolved below), so most
        // scenarios reach k people within the slot budget; otherwise anyone, re-answering too.
        { weight: 6, arbitrary: fc.oneof(fc.constant(-1), person).map((p) => [0, 1].map((q): OnlineAction => ({ kind: "hidden-answer", person: p, perspective: q as 0 | 1 }))) },
        { weight: 1, arbitrary: fc.record({ kind: fc.constant("hidden-answer" as const), person, perspective }).map((a) => [a]) },
        { weight: 3, arbitrary: account.map((a): OnlineAction[] => [{ kind: "read", page: "results", account: a }]) },
        { weight: 1, arbitrary: fc.record({ kind: fc.constant("read" as const), page: fc.constantFrom<"library" | "case" | "me">("library", "case", "me"), account }).map((a) => [a]) },
      ];
      if (WITH_ENDORSEMENTS) {
        steps.push({ weight: 3, arbitrary: person.map((p): OnlineAction[] => [{ kind: "endorse", who: "hidden", index: p }]) });
        if (accounts > 0) steps.push({ weight: 1, arbitrary: account.map((a): OnlineAction[] => [{ kind: "endorse", who: "attacker", index: a }]) });
      }
      if (accounts > 0) {
        steps.push(
          { weight: 2, arbitrary: fc.tuple(account, fc.nat({ max: 3 }), fc.nat({ max: 3 })).map(([a, e, r]) => [0, 1].map((q): OnlineAction => ({ kind: "attacker-answer", account: a, perspective: q as 0 | 1, value: q ? r : e }))) },
          { weight: 1, arbitrary: fc.record({ kind: fc.constant("attacker-answer" as const), account, perspective, value: fc.nat({ max: 3 }) }).map((a) => [a]) },
          { weight: 1, arbitrary: fc.record({ kind: fc.constant("attacker-standing" as const), account, standing }).map((a) => [a]) },
        );
      }
      return fc.record({
        k: fc.constant(k),
        hidden: fc.constant(hidden),
        attackers: fc.array(standing, { minLength: accounts, maxLength: accounts }),
        actions: fc.array(fc.oneof(...steps), { minLength: 4, maxLength: 10 }).map((chosen) => chosen.flat()),
      });
    })
    .map((s) => {
      let slots = 0;
      let fresh = -1;
      let lastFresh = 0;
      const resolved = s.actions.map((a) => {
        if (a.kind !== "hidden-answer" || a.person !== -1) return a;
        // Both perspectives of one step resolve to the same next person.
        if (a.perspective === 0) lastFresh = fresh = Math.min(fresh + 1, s.hidden.length - 1);
        return { ...a, person: lastFresh };
      });
      const actions = resolved.filter((a) => a.kind !== "hidden-answer" || (slots += 1) <= MAX_SLOTS);
      // Always end with a read of the results: a scenario whose last writes are never read tests nothing more.
      return { ...s, actions: [...actions, { kind: "read" as const, page: "results" as const, account: 0 }] };
    })
    .chain((s) => fc.array(fc.nat({ max: 3 }), { minLength: countSlots(s.actions), maxLength: countSlots(s.actions) }).map((truth) => ({ ...s, truth })))
    // Plain objects, so a counterexample prints as plain JSON.
    .map((s) => JSON.parse(JSON.stringify(s)) as OnlineScenario);
}

export function countSlots(actions: OnlineAction[]): number {
  return actions.filter((a) => a.kind === "hidden-answer").length;
}

/** Which hidden answer a slot is, in words. */
export function describeOnlineSlot(s: OnlineScenario, slot: number): string {
  let seen = 0;
  for (const [i, a] of s.actions.entries()) {
    if (a.kind !== "hidden-answer") continue;
    if (seen === slot) return `hidden person H${a.person + 1}'s answer as ${PERSPECTIVES[a.perspective]} (step ${i + 1})`;
    seen += 1;
  }
  return `slot ${slot}`;
}

/** The scenario as a numbered script, for a failure message. */
export function describeOnlineScenario(s: OnlineScenario): string {
  const lines = [
    `${WITH_ENDORSEMENTS ? "R has posted an argument as the employee. " : ""}k = ${s.k}; hidden people: ${s.hidden.map((st, i) => `H${i + 1} (${st ?? "no standing"})`).join(", ")}; attacker accounts: ${s.attackers.map((st, i) => `A${i + 1} (${st ?? "no standing"})`).join(", ") || "none"}; the attacker also reads as a facilitator account R`,
  ];
  let slot = 0;
  for (const [i, a] of s.actions.entries()) {
    const step = `${i + 1}.`;
    if (a.kind === "hidden-answer") lines.push(`${step} H${a.person + 1} answers as ${PERSPECTIVES[a.perspective]} [slot ${slot}: truly ${describeAnswer(s.truth[slot++]!)}]`);
    else if (a.kind === "attacker-answer") lines.push(`${step} A${a.account + 1} answers as ${PERSPECTIVES[a.perspective]}: ${describeAnswer(a.value)}`);
    else if (a.kind === "attacker-standing") lines.push(`${step} A${a.account + 1} changes their standing to ${a.standing ?? "none"} on /me`);
    else if (a.kind === "read") lines.push(`${step} reads the ${a.page} page's loader data${a.page === "results" || a.page === "library" ? " (as R)" : ` (as ${s.attackers.length ? `A${a.account + 1}` : "R"})`}`);
    else lines.push(`${step} ${a.who === "hidden" ? "H" : "A"}${a.index + 1} endorses R's argument (or withdraws their endorsement)`);
  }
  return lines.join("\n");
}

interface PersonRecord {
  /** The standing counted for the person on this case: their profile's when they first answered it. */
  standing: Standing | null;
  first: (number | undefined)[];
  current: (number | undefined)[];
  lastWrite: number;
  /** Per perspective: the write of the current answer, and of the first. */
  writes: number[];
  firstWrites: number[];
}

/**
 * What ADR 009 lets the attacker see of the online results, written independently of the app:
 * a release is made after an answer once at least k distinct people, each having answered every
 * perspective, wrote an answer since the last release, and in each perspective the people whose
 * answer changed and those who re-answered number none or at least k each; it shows, overall and per
 * group of the fixed grouping (first standing on the case, small groups merged by
 * mergeSmallGroups), the multiset of each counted person's record (first and current answer per
 * perspective). Every read until the next release shows the same; nothing before the first.
 * The library, case page and /me show nothing of other people's answers.
 */
export function onlineReference(s: OnlineScenario, world: number[]): string {
  const profile = new Map<string, Standing | null>([...s.hidden.map((st, i) => [`H${i}`, st] as const), ...s.attackers.map((st, i) => [`A${i}`, st] as const)]);
  const people = new Map<string, PersonRecord>();
  let write = 0;
  let through = 0;
  let release = "nothing released";
  const out: string[] = [];
  let slot = 0;
  const answer = (key: string, perspective: number, value: number) => {
    const record = people.get(key) ?? { standing: profile.get(key) ?? null, first: [], current: [], lastWrite: 0, writes: [], firstWrites: [] };
    record.first[perspective] ??= value;
    record.current[perspective] = value;
    record.lastWrite = ++write;
    record.writes[perspective] = write;
    record.firstWrites[perspective] ??= write;
    if (perspective === 0) employeeWrite.set(key, write);
    people.set(key, record);
  };
  const complete = (r: PersonRecord) => PERSPECTIVES.every((_, p) => r.current[p] !== undefined);
  // Endorsements (unless ATTACK_ENDORSEMENTS=0): who endorses R's argument (argued as the employee), and
  // what its score last released counted (endorser → the write of their employee answer).
  const endorsers = new Set<string>();
  let scoreCounted = new Map<string, number>();
  let score = "no score";
  const employeeWrite = new Map<string, number>();
  const releaseScore = () => {
    // The score of an argument is a release of its endorsers' answers (ADR 009): it changes only
    // once k of them endorsed, withdrew or answered anew since it was last released, and shows
    // only with k endorsers counted; what it may show is at most their standings and leans.
    const counted = new Map([...endorsers].filter((key) => employeeWrite.has(key)).map((key) => [key, employeeWrite.get(key)!] as const));
    const changed = [...counted].filter(([key, w]) => scoreCounted.get(key) !== w).length + [...scoreCounted.keys()].filter((key) => !counted.has(key)).length;
    if (changed < s.k) return;
    scoreCounted = counted;
    score =
      counted.size >= s.k
        ? JSON.stringify([...counted.keys()].map((key) => `${people.get(key)!.standing ?? "undeclared"}:${answerOf(people.get(key)!.current[0]!).judgement > 0 ? "right" : "wrong"}`).sort())
        : "withheld";
  };
  const releaseIfDue = () => {
    const counted = [...people.values()].filter(complete);
    if (counted.filter((r) => r.lastWrite > through).length < s.k) return;
    // In each perspective, those whose answer changed and those who re-answered: none or at least k each.
    const noneOrK = (n: number) => n === 0 || n >= s.k;
    for (const [p] of PERSPECTIVES.entries()) {
      const changed = counted.filter((r) => r.writes[p]! > through);
      if (!noneOrK(changed.length) || !noneOrK(changed.filter((r) => r.firstWrites[p]! <= through).length)) return;
    }
    const record = (r: PersonRecord) => PERSPECTIVES.map((_, p) => `${r.first[p]}${r.current[p]}`).join("/");
    const sizes = new Map<string, number>();
    for (const r of counted) sizes.set(r.standing ?? "undeclared", (sizes.get(r.standing ?? "undeclared") ?? 0) + 1);
    const breakdown = mergeSmallGroups([...sizes].map(([key, count]) => ({ key, count })), s.k);
    const groups = breakdown.shown.map((g) => [g.key, counted.filter((r) => g.members.includes(r.standing ?? "undeclared")).map(record).sort()]);
    if (WITH_ENDORSEMENTS) releaseScore();
    release = JSON.stringify({ overall: counted.map(record).sort(), groups, score });
    through = write;
  };
  for (const a of s.actions) {
    if (a.kind === "hidden-answer") answer(`H${a.person}`, a.perspective, world[slot++]!);
    else if (a.kind === "attacker-answer") answer(`A${a.account}`, a.perspective, a.value);
    else if (a.kind === "attacker-standing") profile.set(`A${a.account}`, a.standing);
    else if (a.kind === "endorse") {
      const key = `${a.who === "hidden" ? "H" : "A"}${a.index}`;
      if (!endorsers.delete(key)) endorsers.add(key);
    } else if (a.kind === "read" && (a.page === "results" || (WITH_ENDORSEMENTS && a.page === "case"))) out.push(release);
    if (a.kind === "hidden-answer" || a.kind === "attacker-answer") releaseIfDue();
  }
  return out.join("\n");
}

const caseRoute = () => import("../../app/routes/cases.$slug");
const resultsRoute = () => import("../../app/routes/cases.$slug_.results");
const indexRoute = () => import("../../app/routes/_index");
const meRoute = () => import("../../app/routes/me");

/** Plays the scenario in `world` through the real routes, reading as the attacker would. */
export async function replayOnline(app: AttackApp, s: OnlineScenario, world: number[], expected?: Replay): Promise<Replay> {
  const [cases, results, index, me] = await Promise.all([caseRoute(), resultsRoute(), indexRoute(), meRoute()]);
  await app.fresh(s.k);
  const reader = await app.person("facilitator", null, "Reader");
  const hidden: Account[] = [];
  for (const [i, st] of s.hidden.entries()) hidden.push(await app.person("participant", st, `Hidden ${i + 1}`));
  const attackers: Account[] = [];
  for (const [i, st] of s.attackers.entries()) attackers.push(await app.person("participant", st, `Attacker ${i + 1}`));
  let argumentId = 0;
  if (WITH_ENDORSEMENTS) {
    const posted = (await settle(() =>
      cases.action({ request: app.post(`/cases/${SLUG}`, { intent: "argument", perspective: "employee", side: "for", lens: "", body: "The record was lawfully expungeable." }, reader.cookie), params: { slug: SLUG }, context: {} }),
    )) as Response;
    if (posted.status !== 200) throw new Error(`R's argument was refused: ${posted.status} ${await posted.text()}`);
    argumentId = (await app.db().selectFrom("arguments").select("id").where("user_id", "=", reader.id).executeTakeFirstOrThrow()).id;
  }
  let slot = 0;
  const recorder = replayRecorder(expected, () => slot);
  const replay = recorder.replay;
  /** Records one thing the attacker read; false once it differs from the expected replay. */
  const read = (value: unknown): boolean => recorder.read(canonical(value));
  const answer = async (who: Account, perspective: number, value: number) => {
    const { option, judgement } = answerOf(value);
    const response = (await settle(() =>
      cases.action({
        request: app.post(`/cases/${SLUG}`, { intent: "position", perspective: PERSPECTIVES[perspective]!, option: String(option), judgement: String(judgement), legal: "unsure", confidence: "medium" }, who.cookie),
        params: { slug: SLUG },
        context: {},
      }),
    )) as Response;
    if (response.status !== 200) throw new Error(`${who.name}'s answer was refused: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const viewer = (account: number) => attackers[account] ?? reader;

  for (const a of s.actions) {
    let ok = true;
    if (a.kind === "hidden-answer") await answer(hidden[a.person]!, a.perspective, world[slot++]!);
    else if (a.kind === "attacker-answer") ok = read(await answer(attackers[a.account]!, a.perspective, a.value));
    else if (a.kind === "attacker-standing") {
      const who = attackers[a.account]!;
      ok = read(await settle(() => me.action({ request: app.post("/me", { displayName: who.name, standing: a.standing ?? "" }, who.cookie), params: {}, context: {} })));
    } else if (a.kind === "read") {
      if (a.page === "results") ok = read(await results.loader({ request: app.get(`/cases/${SLUG}/results`, reader.cookie), params: { slug: SLUG }, context: {} }));
      else if (a.page === "library") ok = read(await index.loader({ request: app.get("/", reader.cookie), params: {}, context: {} }));
      else if (a.page === "case") ok = read(await cases.loader({ request: app.get(`/cases/${SLUG}`, viewer(a.account).cookie), params: { slug: SLUG }, context: {} }));
      else ok = read(await me.loader({ request: app.get("/me", viewer(a.account).cookie), params: {}, context: {} }));
    }
    else if (a.kind === "endorse") {
      const who = a.who === "hidden" ? hidden[a.index]! : attackers[a.index]!;
      const response = (await settle(() =>
        cases.action({ request: app.post(`/cases/${SLUG}`, { intent: "endorse", argumentId: String(argumentId) }, who.cookie), params: { slug: SLUG }, context: {} }),
      )) as Response;
      if (response.status !== 200) throw new Error(`${who.name}'s endorsement was refused: ${response.status} ${await response.text()}`);
      if (a.who === "attacker") ok = read(await response.json());
    }
    if (!ok) return replay;
  }
  return replay;
}
