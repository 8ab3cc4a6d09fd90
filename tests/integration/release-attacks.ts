/**
 * What the privacy reviews of online results (ADR 009) play with: people answering through the
 * case page's action, the results page's data as a reader gets it, and the subtraction a reader
 * does between rows. Shared by the review-online-leaks test files.
 */
import type { Confidence, LegalAnswer, Standing } from "../../db/schema";
import type { startApp } from "./app-under-test";

type App = Awaited<ReturnType<typeof startApp>>;
export type Perspective = "employee" | "employer" | "customer";
/** One row of results as a reader sees it: people, option counts and the mean judgement. */
export type Row = { count: number; options: { label: string; count: number }[]; meanJudgement: number };

/**
 * The helpers bound to one app under test.
 *
 * @returns answer (both perspectives), answerOne (one, as the form sends it), crowd (`count`
 *   new people of one standing answering both), newcomersThroughModel (likewise, written
 *   through the model so that no answer plans a release), readResults (the results page's data; throws
 *   while the reader is locked out), row accessors, and the case page's debate: actOn (any
 *   form), argueOn, endorse and scoresOn (every argument's bridging score)
 */
export async function releaseAttacks(app: App) {
  const resultsRoute = await import("../../app/routes/cases.$slug_.results");
  const caseRoute = await import("../../app/routes/cases.$slug");
  type Person = Awaited<ReturnType<App["person"]>>;

  /** Answers both perspectives (employee first, then employer). */
  const answer = (person: Person, slug: string, employee: [number, number], employer: [number, number] = [0, 0]) => app.answerCase(person, slug, employee, employer);

  /** One answer to one perspective, as the case page's form sends it. */
  async function answerOne(person: Person, slug: string, perspective: Perspective, option: number, judgement: number) {
    const response = await caseRoute.action({
      request: app.post(
        `/cases/${slug}`,
        { intent: "position", perspective, ...(await app.ballot(slug, perspective, option)), judgement: String(judgement), legal: "unsure", confidence: "medium" },
        person.cookie,
      ),
      params: { slug },
      context: {},
    });
    if (response.status !== 200) throw new Error(`answer refused: ${response.status}`);
  }

  async function crowd(slug: string, standing: Standing, count: number, employee: [number, number], employer: [number, number] = [0, 0]): Promise<Person[]> {
    const people: Person[] = [];
    for (let i = 0; i < count; i += 1) {
      const person = await app.person("participant", standing);
      await answer(person, slug, employee, employer);
      people.push(person);
    }
    return people;
  }

  /**
   * `count` new people of `standing` answer every perspective of the case's current version
   * through the model (`recordPosition`), not the case page's form, so no answer triggers a
   * release plan: the next plan is the next reader's. Each answers the option at index `option`
   * of each perspective's list, with the same judgement, legal answer and confidence.
   */
  async function newcomersThroughModel(slug: string, standing: Standing, count: number, answer: { option: number; judgement: number; legal: LegalAnswer; confidence: Confidence }): Promise<Person[]> {
    const { findCaseBySlug } = await import("../../app/models/cases.server");
    const { recordPosition } = await import("../../app/models/positions.server");
    const found = (await findCaseBySlug(app.db(), slug))!;
    const people: Person[] = [];
    for (let i = 0; i < count; i += 1) {
      const person = await app.person("participant", standing);
      for (const perspective of found.doc.perspectives) {
        await recordPosition(app.db(), {
          caseId: found.id,
          caseVersionId: found.versionId,
          userId: person.id,
          perspective: perspective.key,
          option: perspective.options[answer.option]!,
          judgement: answer.judgement,
          legal: answer.legal,
          confidence: answer.confidence,
          standing,
          movedByArgumentId: null,
        });
      }
      people.push(person);
    }
    return people;
  }

  async function readResults(reader: Person, slug: string) {
    const data = await resultsRoute.loader({ request: app.get(`/cases/${slug}/results`, reader.cookie), params: { slug }, context: {} });
    if (data.locked) throw new Error("locked");
    return data.results;
  }
  type Results = Awaited<ReturnType<typeof readResults>>;

  const perspectiveOf = (r: Results, key: Perspective) => r.perspectives.find((p) => p.key === key)!;
  const groupOf = (r: Results, key: Perspective, group: string) => perspectiveOf(r, key).byStanding.groups.find((g) => g.key === group);
  const overallRow = (r: Results, key: Perspective): Row => {
    const p = perspectiveOf(r, key);
    return { count: p.respondents, options: p.options, meanJudgement: p.meanJudgement };
  };
  /** Sends one case-page form (`intent` and its fields) as `person`; throws unless it is answered 200. */
  async function actOn(slug: string, person: Person, fields: Record<string, string>) {
    const response = await caseRoute.action({ request: app.post(`/cases/${slug}`, fields, person.cookie), params: { slug }, context: {} });
    if (response.status !== 200) throw new Error(`${fields.intent} refused: ${response.status}`);
  }
  /** Posts an argument as the employee ("for" unless told); returns its id. */
  async function argueOn(slug: string, author: Person, body: string, side: "for" | "against" | "depends" = "for"): Promise<number> {
    await actOn(slug, author, { intent: "argument", perspective: "employee", side, lens: "", body });
    return (await app.db().selectFrom("arguments").select("id").where("body", "=", body).executeTakeFirstOrThrow()).id;
  }
  /** Every argument's bridging score as the case page's data gives it. */
  async function scoresOn(slug: string, reader: Person): Promise<Map<number, number | null>> {
    const data = await caseRoute.loader({ request: app.get(`/cases/${slug}?sort=bridging`, reader.cookie), params: { slug }, context: {} });
    return new Map(data.debate.threads.map((t) => [t.id, t.bridging]));
  }
  const endorse = (slug: string, person: Person, id: number) => actOn(slug, person, { intent: "endorse", argumentId: String(id) });

  return { caseRoute, answer, answerOne, crowd, newcomersThroughModel, readResults, perspectiveOf, groupOf, overallRow, actOn, argueOn, scoresOn, endorse };
}

/** a − b (+ c …) of rows, as option counts and a judgement sum: what a reader works out by subtraction. */
export function combine(terms: [1 | -1, Row][]): { count: number; options: Record<string, number>; judgementSum: number } {
  const options: Record<string, number> = {};
  let count = 0;
  let judgementSum = 0;
  for (const [sign, row] of terms) {
    count += sign * row.count;
    judgementSum += sign * row.meanJudgement * row.count;
    for (const o of row.options) options[o.label] = (options[o.label] ?? 0) + sign * o.count;
  }
  for (const label of Object.keys(options)) if (options[label] === 0) delete options[label];
  return { count, options, judgementSum: Math.round(judgementSum * 1000) / 1000 };
}
