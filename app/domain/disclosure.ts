/**
 * The disclosure rules that hold across releases (ADR 009, "Privacy threat model"): what an
 * adversary may read over time, not only in one output. Pure: no I/O.
 *
 * Survey practice for reports on employees is the source: fixed group membership, results
 * released in batches, and the same suppression in every report. It holds both halves:
 * small-group suppression within one release (k-anonymity with complementary suppression,
 * `mergeSmallGroups`), and the rules across releases: when a new release may be made and which group an answer
 * belongs to, and when an argument's bridging score may change (built from its endorsers' public
 * leans and their standings, which are protected: ADR 009 "Bridging scores", ADR 018).
 */
import { bridgingScore, type PublicLean } from "./bridging";
import { halfPointScore } from "./steelmen";
import { exposedByBounds, exposedByPersuasion, exposedByRowChurn, exposedJointly, withoutInterchangeableSurplus, type HeldRecord, type NamedArgument } from "./release-equations";

// ---------------------------------------------------------------------------------------------
// Small-group suppression within one release: every breakdown (pages, exports, JSON).
// A breakdown splits respondents into groups (e.g. by standing). A group smaller than k is never
// shown on its own. Small groups are merged into one "other" group; if that is still below k,
// the smallest shown group joins it too (complementary suppression), so that the total minus the
// shown groups can never reveal a group smaller than k.
// ---------------------------------------------------------------------------------------------

export const DEFAULT_K = 5;
/** Not a valid standing, so the merged group never shares a key with the real "other" standing. */
export const OTHER_GROUP = "_other";

export interface GroupSize {
  key: string;
  count: number;
}

export interface ShownGroup {
  /** A group's own key, or OTHER_GROUP for the merged remainder. */
  key: string;
  /** The original groups this one stands for (one, or several for OTHER_GROUP). */
  members: string[];
  count: number;
}

export type Breakdown = { shown: ShownGroup[]; suppressed: false } | { shown: []; suppressed: true; reason: string };

/**
 * @param groups each original group's size
 * @param k the k-threshold
 * @param mustMerge groups to merge however large they are (a caller that knows a group is too
 *   small somewhere else, e.g. in one round, names it here); empty by default
 */
export function mergeSmallGroups(groups: GroupSize[], k: number, mustMerge: ReadonlySet<string> = new Set()): Breakdown {
  const present = groups.filter((g) => g.count > 0);
  const total = present.reduce((sum, g) => sum + g.count, 0);
  if (total < k) return { shown: [], suppressed: true, reason: `fewer than ${k} people have answered` };

  const isSmall = (g: GroupSize) => g.count < k || mustMerge.has(g.key);
  const large = present.filter((g) => !isSmall(g)).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  const small = present.filter(isSmall);
  // One group holding everybody is no breakdown at all: it would only repeat the total.
  if (small.length === 0 && large.length === 1) return { shown: [], suppressed: true, reason: "everyone who answered is in the same group" };
  if (small.length === 0) return { shown: large.map((g) => ({ key: g.key, members: [g.key], count: g.count })), suppressed: false };

  const other: ShownGroup = { key: OTHER_GROUP, members: small.map((g) => g.key).sort(), count: small.reduce((s, g) => s + g.count, 0) };
  while (other.count < k) {
    // Cannot fail: total ≥ k, so some large group remains while other is short.
    const smallestLarge = large.pop()!;
    other.members = [...other.members, smallestLarge.key].sort();
    other.count += smallestLarge.count;
  }
  const shown = large.map((g) => ({ key: g.key, members: [g.key], count: g.count }));
  // One group holding everybody is no breakdown at all; say so rather than show a copy of the total.
  if (shown.length === 0) return { shown: [], suppressed: true, reason: `any breakdown would single out a group of fewer than ${k} people` };
  return { shown: [...shown, other], suppressed: false };
}

/** Which shown group an original group's rows are counted in. */
export function groupLookup(breakdown: Breakdown): Map<string, string> {
  const lookup = new Map<string, string>();
  for (const group of breakdown.shown) for (const member of group.members) lookup.set(member, group.key);
  return lookup;
}

/**
 * Whether an aggregate over a group of people (a perspective's answers online, an empathy gap)
 * may be released at all: only from `k` people. The live room's cells follow the same rule
 * (`cellReleased`, `gapReleased`, `shiftReleased`).
 */
export function groupReleased(people: number, k: number): boolean {
  return people >= k;
}

/**
 * Whether an aggregate that was released may change: only once at least `k` of the people it
 * counts have changed since (ADR 009, "Release in batches"). Used for each argument's bridging
 * score (`argumentScoreDecision`); results follow the finer rule of `planRelease`.
 *
 * @param peopleChangedSince distinct people counted by the aggregate who changed since it was released
 * @param k the k-threshold (a positive whole number)
 */
export function releaseIsDue(peopleChangedSince: number, k: number): boolean {
  return peopleChangedSince >= k;
}

// ---------------------------------------------------------------------------------------------
// Online results: which people's answers a new release takes, per cell (ADR 009, "Release per
// cell, per person, with a sticky grouping"). Decided from public facts only (who wrote which
// perspective since their released record, and standings), never from the answers' values.
// ---------------------------------------------------------------------------------------------

/** One person who has answered every perspective and wrote an answer since their released record. */
export interface PendingPerson {
  /** Any stable id (the user id). */
  id: number;
  /** Standing key counted on the case (their first answer's; UNDECLARED_STANDING for none). */
  standing: string;
  /** Whether a previous release holds a record of theirs. */
  released: boolean;
  /** Perspectives they wrote since their released record (every perspective, for a newcomer). */
  wrote: readonly string[];
  /** Perspectives they have answered more than once in all (a first answer's shift is predictably none). */
  reanswered: readonly string[];
  /** Per perspective they wrote: the case version of their released answer (null if none) and of their new one. */
  versions?: Readonly<Record<string, { released: number | null; current: number }>>;
  /** Per perspective they wrote: the positions row of their new answer (`HeldRecord.positionId`). */
  positions?: Readonly<Record<string, number>>;
}

/** The key of `ReleasePlanInput.releasedAnswers`: a perspective, a case version and a standing key. */
export function releasedAnswersKey(perspective: string, version: number, standing: string): string {
  return `${perspective}\u0000${version}\u0000${standing}`;
}

export interface ReleasePlanInput {
  /** The case's perspective keys. */
  perspectives: readonly string[];
  /** Whether the empathy gap (employee minus employer) is shown, and so is a cell. */
  gap: boolean;
  /** Every earlier release's grouping and people by standing, oldest first; empty when nothing was released yet. */
  history: readonly ReleasedGrouping[];
  /**
   * Per perspective, the case versions that offered an option the current version has removed
   * (options compared by their stable ids, ADR 017: one only moved or reworded is not removed).
   * Answers on them can show as an option "no longer offered", whose only possible voters are the
   * people who answered those versions (known by when they answered, never by what): each is a
   * population of its own.
   */
  retiredVersions?: Readonly<Record<string, readonly number[]>>;
  /**
   * Per perspective, the sets of case versions that offered some option which not every version
   * answered on offered (`optionPopulations`): an option a later version added, or removed and
   * brought back, can only hold answers given on a version offering it, so its bar is a sum over
   * those people alone (sixth attacker review). Each set is a population of its own, like a
   * retired version.
   */
  optionPopulations?: Readonly<Record<string, readonly (readonly number[])[]>>;
  /** The case's arguments whose persuasion figures releases show, with who may name each (`exposedByPersuasion`). */
  namedArguments?: readonly NamedArgument[];
  /** The previous release's answers per perspective, case version and standing (`releasedAnswersKey`). */
  releasedAnswers?: Readonly<Record<string, number>>;
  /**
   * Every record held by the releases from `jointFrom` on, with the runs they were held for
   * (`HeldRecord`): what `exposedBySeveralReleases` reads to test all those releases together.
   * Absent: only the people taken now are known, and only the new release is tested that way.
   */
  records?: readonly HeldRecord[];
  /** The first release whose records `records` holds (releases stored before the records were kept come before it). */
  jointFrom?: number;
  pending: readonly PendingPerson[];
  k: number;
}

/** One release's grouping by standing, and the people it held per standing key. */
export interface ReleasedGrouping {
  breakdown: Breakdown;
  released: Readonly<Record<string, number>>;
  /** Standings with a person whose answers that release took (new or changed); absent in older entries: read as all. */
  changed?: readonly string[];
  /** Per perspective, the case versions that release showed as "no longer offered" (`ReleasePlanInput.retiredVersions` then). */
  retired?: Readonly<Record<string, readonly number[]>>;
  /** Per perspective, the option populations that release showed (`ReleasePlanInput.optionPopulations` then). */
  populations?: Readonly<Record<string, readonly (readonly number[])[]>>;
  /** The perspectives that release showed (the case version's then); absent in older entries. */
  perspectives?: readonly string[];
  /**
   * People the releases up to this one bound by counts before the bounds test (`alreadyBound`),
   * as the plan that made it found them; absent in entries planned before it (then worked out).
   */
  known?: readonly number[];
}

/** What a release takes: whose records it replaces, and the grouping its breakdowns use. */
export interface ReleasePlan {
  /** Ids of the pending people whose current answers the release takes (never empty). */
  people: number[];
  grouping: Breakdown;
  /** People the releases before it already bound (`alreadyBound`): store as the new entry's `ReleasedGrouping.known`. */
  known: number[];
}

/** The group a standing is counted in under a grouping: a shown group's key, or null when no breakdown is shown. */
function groupUnder(grouping: Breakdown | null, standing: string): string | null {
  if (!grouping || grouping.suppressed) return null;
  return groupLookup(grouping).get(standing) ?? null;
}

/** The rank of a small real matrix (rows of equal length), by Gaussian elimination. */
function matrixRank(rows: readonly (readonly number[])[]): number {
  const m = rows.map((r) => [...r]);
  let rank = 0;
  const columns = m[0]?.length ?? 0;
  for (let c = 0; c < columns && rank < m.length; c += 1) {
    const pivot = m.findIndex((r, i) => i >= rank && Math.abs(r[c]!) > 1e-9);
    if (pivot === -1) continue;
    [m[rank], m[pivot]] = [m[pivot]!, m[rank]!];
    for (let i = 0; i < m.length; i += 1) {
      if (i === rank) continue;
      const factor = m[i]![c]! / m[rank]![c]!;
      if (factor !== 0) for (let j = c; j < columns; j += 1) m[i]![j]! -= factor * m[rank]![j]!;
    }
    rank += 1;
  }
  return rank;
}

/**
 * The sticky-grouping rule, against every earlier release (ADR 009): laying any earlier release
 * beside this one must not give the aggregate of 1 to k−1 of the people that release held. For
 * each earlier release i, the unknowns are each standing's aggregate then (weighted by its
 * people then); release i's groups give their sums, and so does each group of `next` none of
 * whose standings took a new or changed answer since i (its people's answers are still those of
 * release i; a group with a change hides its standings behind unknown changes). A set of
 * standings holding 1 to k−1 people at i is exposed when some combination of those sums is
 * nonzero only on it: tested as a drop in rank when its columns are removed. Found by the
 * attacker review: "other" in one release minus a standing that left it two releases later.
 * Compares each earlier release with this one alone, so it misses what several releases give
 * together (the fourth attacker review); it is kept for releases stored before their records
 * were (`upTo`: entries from there on are tested jointly by `exposedBySeveralReleases`).
 *
 * @param changedSince for each history entry i, the standings with a new or changed answer after it (this release's included)
 * @param upTo the first history entry not compared here
 */
function groupingHistoryAllows(history: readonly ReleasedGrouping[], next: Breakdown, changedSince: readonly ReadonlySet<string>[], k: number, upTo = history.length): boolean {
  for (const [i, entry] of history.entries()) {
    if (i >= upTo) break;
    const standings = Object.entries(entry.released).filter(([, people]) => people > 0);
    if (standings.length < 2) continue;
    const column = new Map(standings.map(([standing], index) => [standing, index]));
    const indicator = (members: Iterable<string>) => {
      const row = standings.map(() => 0);
      for (const member of members) if (column.has(member)) row[column.get(member)!] = 1;
      return row;
    };
    const rows = entry.breakdown.suppressed ? [indicator(column.keys())] : entry.breakdown.shown.map((g) => indicator(g.members));
    for (const group of next.shown) if (!group.members.some((member) => changedSince[i]!.has(member))) rows.push(indicator(group.members));
    const rank = matrixRank(rows);
    // Every set of standings (at most a handful) whose people then number 1 to k−1.
    for (let mask = 1; mask < 1 << standings.length; mask += 1) {
      const people = standings.reduce((sum, [, count], index) => sum + (mask & (1 << index) ? count : 0), 0);
      if (people >= k) continue;
      const without = rows.map((row) => row.filter((_, index) => !(mask & (1 << index))));
      if (matrixRank(without) < rank) return false;
    }
  }
  return true;
}

/**
 * The records a release taking `taken` would hold: `input.records` with the taken people's
 * released records for the perspectives they wrote ending at the new release, and their current
 * answers starting there (`HeldRecord`).
 */
function recordsWith(input: ReleasePlanInput, taken: readonly PendingPerson[]): HeldRecord[] {
  const next = input.history.length;
  const replaced = new Set(taken.flatMap((person) => person.wrote.map((perspective) => `${person.id}:${perspective}`)));
  const records = (input.records ?? []).map((record) => (record.until === null && replaced.has(`${record.person}:${record.perspective}`) ? { ...record, until: next } : record));
  for (const person of taken) {
    for (const perspective of person.wrote) {
      records.push({
        person: person.id,
        perspective,
        standing: person.standing,
        version: person.versions?.[perspective]?.current ?? 0,
        reanswer: person.reanswered.includes(perspective),
        from: next,
        until: null,
        positionId: person.positions?.[perspective],
      });
    }
  }
  return records;
}

/**
 * The input with the records of interchangeable people beyond k of each class left out
 * (`withoutInterchangeableSurplus`): every history test gives the same answer without them, and a
 * case of a million answers is planned in the time of its variety. Pending people, people taken
 * as known and argument authors keep all their records.
 */
function withoutSurplusPeople(input: ReleasePlanInput): ReleasePlanInput {
  if (!input.records) return input;
  const keepAll = new Set([...input.pending.map((person) => person.id), ...(input.history.at(-1)?.known ?? []), ...(input.namedArguments ?? []).map((a) => a.author)]);
  return { ...input, records: withoutInterchangeableSurplus(input.records, input.k, keepAll, input.namedArguments ?? []) };
}

/**
 * The sets of standings a release may keep merged, tried in order (ADR 009, sticky grouping):
 * none (the grouping `mergeSmallGroups` makes of the sizes as they are); the standings the
 * previous release merged that hold 1 to k−1 released people; every standing it merged (a
 * coarsening of the previous grouping; with no breakdown before, no breakdown now).
 */
function groupingCandidates(input: ReleasePlanInput): ReadonlySet<string>[] {
  const previous = input.history.at(-1);
  if (!previous) return [new Set()];
  const mergedBefore = Object.entries(previous.released).filter(([standing, people]) => people > 0 && (previous.breakdown.suppressed || groupUnder(previous.breakdown, standing) === OTHER_GROUP));
  return [new Set(), new Set(mergedBefore.filter(([, people]) => people < input.k).map(([standing]) => standing)), new Set(mergedBefore.map(([standing]) => standing))];
}

/**
 * The grouping a release taking `taken` would use with `mustMerge` kept merged, if it passes both
 * history rules: every release since `jointFrom` read together with this one isolates nobody,
 * neither linearly nor by bounds on counts (`exposedJointly`; each row against itself,
 * `exposedByRowChurn`; persuasion, `exposedByPersuasion`), and the releases before it compared with this one one at a time
 * (`groupingHistoryAllows`). Otherwise null, with the people of the set it would expose
 * (`exposed`; empty when the older rule refused it), so the caller can leave those it was about
 * to take waiting.
 */
function stickyGrouping(
  input: ReleasePlanInput,
  taken: readonly PendingPerson[],
  mustMerge: ReadonlySet<string>,
  tested: Map<string, readonly number[] | null> = new Map(),
  known: ReadonlySet<number> = new Set(),
): { grouping: Breakdown } | { grouping: null; exposed: readonly number[] } {
  const standingSizes = new Map(Object.entries(input.history.at(-1)?.released ?? {}));
  for (const person of taken) if (!person.released) standingSizes.set(person.standing, (standingSizes.get(person.standing) ?? 0) + 1);
  const grouping = mergeSmallGroups(
    [...standingSizes].map(([key, count]) => ({ key, count })),
    input.k,
    mustMerge,
  );
  const jointFrom = input.records ? (input.jointFrom ?? 0) : input.history.length;
  // For each earlier release, the standings that took a new or changed answer after it.
  const changedSince: Set<string>[] = [];
  let later = new Set(taken.map((person) => person.standing));
  for (let i = input.history.length - 1; i >= 0; i -= 1) {
    changedSince[i] = later;
    const entry = input.history[i]!;
    later = new Set([...later, ...(entry.changed ?? Object.keys(entry.released))]);
  }
  if (!groupingHistoryAllows(input.history, grouping, changedSince, input.k, jointFrom)) return { grouping: null, exposed: [] };
  const releases = [
    ...input.history.map((entry) => ({ grouping: entry.breakdown, retired: entry.retired, populations: entry.populations, perspectives: entry.perspectives })),
    { grouping, retired: input.retiredVersions, populations: input.optionPopulations, perspectives: input.perspectives },
  ];
  // Candidates often make the same grouping of the same people: test each pair once per plan.
  const key = `${taken.map((person) => person.id).join(",")}|${grouping.shown.map((g) => g.members.join("+")).join("/")}`;
  let exposed = tested.get(key);
  if (exposed === undefined) {
    const held = recordsWith(input, taken);
    const options = { perspectives: input.perspectives, gap: input.gap, from: jointFrom, k: input.k, known };
    exposed = exposedJointly(held, releases, options) ?? exposedByRowChurn(held, releases, options) ?? exposedByPersuasion(held, releases, input.namedArguments ?? [], options);
    tested.set(key, exposed);
  }
  return exposed === null ? { grouping } : { grouping: null, exposed };
}

/**
 * The people whom the earlier releases alone already bound (ADR 009, "Bars are counts: bounds
 * across rows"): releases made before the bounds test may hold a combination that bounds a few
 * people's answers. Refusing a new release cannot take that back, and since the combination
 * stays in every later system it would refuse every release after it; so the bounds test treats
 * these people's answers as known (`EquationOptions.known`): it tests what a new release adds.
 * Empty when the history is clean (every history the bounds test planned). Worked out once (a
 * test of the history), then carried by each release's entry (`ReleasedGrouping.known`).
 */
function alreadyBound(input: ReleasePlanInput): ReadonlySet<number> {
  if (!input.records || input.history.length === 0) return new Set();
  // A release planned with the bounds test adds no bound: what its plan found still holds.
  const stored = input.history.at(-1)!.known;
  if (stored) return new Set(stored);
  const releases = input.history.map((entry) => ({ grouping: entry.breakdown, retired: entry.retired, populations: entry.populations, perspectives: entry.perspectives }));
  let known = new Set<number>();
  // Treating some people as known can bound others: repeat until nobody new is found.
  for (;;) {
    const options = { perspectives: input.perspectives, gap: input.gap, from: input.jointFrom ?? 0, k: input.k, known };
    const found = [...(exposedByBounds(input.records, releases, options) ?? []), ...(exposedByPersuasion(input.records, releases, input.namedArguments ?? [], options) ?? [])];
    const more = found.filter((person) => !known.has(person));
    if (more.length === 0) return known;
    known = new Set([...known, ...more]);
  }
}

/**
 * Per perspective, the populations of case versions whose answers some bar counts apart from
 * the rest: each retired version alone, and each of `optionPopulations`' sets, without repeats.
 * Version sets are sorted ascending.
 */
function versionPopulations(input: ReleasePlanInput): Map<string, (readonly number[])[]> {
  const populations = new Map<string, (readonly number[])[]>();
  for (const perspective of input.perspectives) {
    const sets = [...(input.retiredVersions?.[perspective] ?? []).map((version) => [version]), ...(input.optionPopulations?.[perspective] ?? [])];
    const byKey = new Map(
      sets.map((set) => {
        const sorted = [...set].sort((a, b) => a - b);
        return [sorted.join("."), sorted] as const;
      }),
    );
    if (byKey.size > 0) populations.set(perspective, [...byKey.values()]);
  }
  return populations;
}

/**
 * The option populations of a perspective (ADR 009, sixth attacker review): for each option any
 * of the given case versions offered, the versions offering it, when that is not all of them.
 * An answer can only be on an option its version offered, so such an option's bar is a sum over
 * the people who answered those versions alone; who answered which version is public.
 *
 * @param offered each case version (its id) with the option ids it offered in this perspective;
 *   include every version with answers, released or pending, and the current one
 * @returns distinct version-id sets, each sorted ascending, in the order first met
 */
export function optionPopulations(offered: ReadonlyMap<number, readonly string[]>): number[][] {
  const versionsOf = new Map<string, number[]>();
  const versions = [...offered.keys()].sort((a, b) => a - b);
  for (const version of versions) for (const id of new Set(offered.get(version))) versionsOf.set(id, [...(versionsOf.get(id) ?? []), version]);
  const sets = new Map<string, number[]>();
  for (const set of versionsOf.values()) if (set.length < versions.length) sets.set(set.join("."), set);
  return [...sets.values()];
}

/**
 * Plans the next release of a case's online results (ADR 009, "Release per cell, per person,
 * with a sticky grouping"): which pending people's answers it takes, and its grouping. Every cell
 * the release shows (each perspective; each group within it, of this grouping or the previous
 * one; each perspective's shift; the empathy gap and its groups) must change by none or at least
 * k people of those taken. Starting from every pending person, whoever changes a cell that 1 to
 * k−1 of them would change is left out (to wait for a later release), and the grouping is chosen
 * again (`stickyGrouping`), until nothing changes. Pure and deterministic; a person's values are
 * never an input, so whether a release happens says nothing about what anyone answered.
 *
 * Who changes a cell: a perspective, those who wrote it; a group within a perspective, those in
 * the group before or after who wrote the perspective; a perspective's shift, those who wrote it
 * and have answered it more than once; the gap, those who wrote either perspective (its groups
 * likewise); the answers on a case version that offered an option removed since (`retiredVersions`),
 * or on the versions offering an option not every answered version offered (`optionPopulations`),
 * overall and per group, those who wrote the perspective and whose released or new answer is on
 * them, and what stays on them must also number 0 or at least k. A move from one group to
 * another counts towards no cell: `groupingHistoryAllows` bounds what moves show.
 *
 * @returns the plan, or null when nothing may be released now
 */
export function planRelease(input: ReleasePlanInput): ReleasePlan | null {
  const steps = planReleaseSteps(input);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * `planRelease` as steps: the generator yields after each grouping it tests against the release
 * history (the joint test, the costly part: tens of ms each on a long history) and returns the
 * plan. A server drives it a few steps per turn of the event loop (`planReleaseCooperatively` in
 * the model), so a long plan never holds the loop: Node accepts one new connection per turn, and
 * a plan held in one piece left connections waiting for seconds under load.
 */
export function* planReleaseSteps(given: ReleasePlanInput): Generator<void, ReleasePlan | null, void> {
  const input = withoutSurplusPeople(given);
  const { k, perspectives } = input;
  const previous = input.history.at(-1)?.breakdown ?? null;
  const candidates = groupingCandidates(input);
  const tested = new Map<string, readonly number[] | null>();
  const known = alreadyBound(input);
  const populations = versionPopulations(input);
  const versionsInPopulations = new Map([...populations].map(([perspective, sets]) => [perspective, new Set(sets.flat())]));
  let taken = [...input.pending];
  for (;;) {
    if (taken.length === 0) return null;
    // The first candidate grouping both history rules allow; failing all, who the last would expose.
    let sticky: ReturnType<typeof stickyGrouping> = { grouping: null, exposed: [] };
    for (const mustMerge of candidates) {
      sticky = stickyGrouping(input, taken, mustMerge, tested, known);
      if (sticky.grouping) break;
      yield;
    }
    if (!sticky.grouping) {
      // Every grouping would let the releases together isolate some people: those of them this
      // release would take wait, and the plan is made again without them.
      const exposed = new Set(sticky.exposed);
      const rest = taken.filter((person) => !exposed.has(person.id));
      if (rest.length === taken.length) return null;
      taken = rest;
      continue;
    }
    const grouping = sticky.grouping;
    yield;

    const changers = new Map<string, number[]>();
    // Answers on each case version after the release, by perspective, version and standing (only
    // versions some population holds are kept).
    const remaining = new Map<string, number>();
    const populationCells = new Map<string, { perspective: string; versions: readonly number[]; group: string | undefined }>();
    const change = (cell: string, person: PendingPerson) => {
      const ids = changers.get(cell);
      if (ids) ids.push(person.id);
      else changers.set(cell, [person.id]);
    };
    for (const person of taken) {
      const before = person.released ? groupUnder(previous, person.standing) : null;
      const after = groupUnder(grouping, person.standing);
      const groups = [...new Set([before, after])].filter((g): g is string => g !== null);
      for (const perspective of perspectives) {
        const wrote = person.wrote.includes(perspective);
        if (wrote) change(`answers:${perspective}`, person);
        if (wrote && person.reanswered.includes(perspective)) change(`shift:${perspective}`, person);
        // A move alone is bounded by the grouping rule, like anyone else's; counting it here would
        // let a person who did not write this perspective pad a group's cell (attacker review).
        for (const group of groups) if (wrote) change(`answers:${perspective}:${group}`, person);
      }
      for (const perspective of person.wrote) {
        const { released = null, current } = person.versions?.[perspective] ?? {};
        for (const versions of populations.get(perspective) ?? []) {
          const inBefore = released !== null && versions.includes(released);
          const inAfter = current !== undefined && versions.includes(current);
          if (!inBefore && !inAfter) continue;
          for (const group of [undefined, ...groups]) {
            const cell = `population:${perspective}:${versions.join(".")}${group === undefined ? "" : `:${group}`}`;
            change(cell, person);
            populationCells.set(cell, { perspective, versions, group });
          }
        }
        // What stays on each version: a population's bars are about those people only.
        for (const version of new Set([released, current])) {
          if (version === null || version === undefined || !versionsInPopulations.get(perspective)?.has(version)) continue;
          const delta = (version === current ? 1 : 0) - (version === released ? 1 : 0);
          const key = releasedAnswersKey(perspective, version, person.standing);
          remaining.set(key, (remaining.get(key) ?? input.releasedAnswers?.[key] ?? 0) + delta);
        }
      }
      if (input.gap) {
        const wroteEither = person.wrote.length > 0;
        if (wroteEither) change("gap", person);
        for (const group of groups) if (wroteEither) change(`gap:${group}`, person);
      }
    }
    const waiting = new Set<number>();
    for (const ids of changers.values()) if (ids.length < k) for (const id of ids) waiting.add(id);
    // A population's answers left after the release, overall and in each group, must also number
    // 0 or at least k: three of four re-answering would leave one person's bars alone.
    for (const [cell, { perspective, versions, group }] of populationCells) {
      // Only the groups of this release show bars; a group it no longer shows has none left.
      const standings = group === undefined ? null : new Set(grouping.shown.find((g) => g.key === group)?.members ?? []);
      if (standings?.size === 0) continue;
      let left = 0;
      for (const version of versions) {
        const prefix = releasedAnswersKey(perspective, version, "");
        const keys = new Set([...Object.keys(input.releasedAnswers ?? {}), ...remaining.keys()].filter((key) => key.startsWith(prefix)));
        for (const key of keys) {
          const standing = key.slice(prefix.length);
          if (standings && !standings.has(standing)) continue;
          left += remaining.get(key) ?? input.releasedAnswers?.[key] ?? 0;
        }
      }
      if (left > 0 && left < k) for (const id of changers.get(cell)!) waiting.add(id);
    }
    if (waiting.size === 0) return { people: taken.map((p) => p.id), grouping, known: [...known].sort((a, b) => a - b) };
    taken = taken.filter((person) => !waiting.has(person.id));
  }
}

/**
 * The standing a new answer is counted under: the one the person had when they first answered
 * this case, so changing one's profile never moves past or future answers on that case from one
 * group to another (two reads around such a move would otherwise subtract to the groups it left).
 *
 * @param firstStanding the standing stored with the person's first position on the case, or
 *   `undefined` when this is their first answer (`null` means they had declared none)
 * @param profileStanding the standing on their profile now
 */
export function standingForAnswer<S extends string>(firstStanding: S | null | undefined, profileStanding: S | null): S | null {
  return firstStanding === undefined ? profileStanding : firstStanding;
}

/**
 * One endorser of a top-level argument as a release counts them (ADR 018): every endorser counts,
 * whether or not they have answered the case, with their public lean on the argument (from the
 * sides of the other arguments they endorsed, `publicLeans` in bridging.ts) and the standing
 * declared on their profile. No answer goes into it, so a score tells nothing of anyone's answer;
 * the standing is protected (`standingsForScore`), which is why scores still move only with
 * releases and in steps of k endorsers.
 */
export interface CountedEndorser {
  argumentId: number;
  userId: number;
  /** Public lean on this argument: "right", "wrong", or null (none: not counted on either side). */
  lean: PublicLean | null;
  /** The standing declared on the endorser's profile now (null: none declared). */
  standing: string | null;
}

/**
 * What one endorser adds to an argument's score, as a key: their public lean and their standing.
 * Two keys differ exactly when the endorser's contribution changed (lean or standing), so a new
 * key is a change in `endorsersChangedSince` and a different "answer" in `shownArgumentScores`.
 */
export function endorserContribution(e: Pick<CountedEndorser, "lean" | "standing">): string {
  return `${e.lean ?? "none"}/${e.standing ?? "undeclared"}`;
}

/**
 * The protected part of a counted contribution, what `shownArgumentScores` keeps apart: the
 * standing (a lean is public, so a change of lean alone is no new "answer" to protect). A
 * positions row id stored before ADR 018 stands for itself.
 */
function protectedPart(contribution: string | number): string {
  return typeof contribution === "number" ? `position ${contribution}` : contribution.slice(contribution.indexOf("/") + 1);
}

/** An argument's bridging score as released, and whom it counted (server-side only). */
export interface ReleasedArgumentScore {
  /** The score, or null while the release may not show one (fewer than k endorsers counted). */
  score: number | null;
  /**
   * Endorser user id → what they added when this score was released (`endorserContribution`).
   * Releases stored before ADR 018 hold a positions row id (a number) instead, which never equals
   * a contribution key: their endorsers all count as changed once.
   */
  counted: Record<string, string | number>;
}

/** Per argument id: what the case's release says of its bridging score (absent: no score, nothing counted). */
export type ArgumentScores = Record<string, ReleasedArgumentScore>;

/** What a release does with one argument's score: `releaseIsDue` applied to the argument's own endorsers. */
export type ArgumentScoreDecision = "keep" | "release" | "withhold";

/**
 * Whether an argument's bridging score may change in this release of the case. A score counts its
 * endorsers' standings (protected: a standing is which group a known person is in), so it follows
 * the same rule as results: it changes only once at least `k` of its endorsers have endorsed,
 * withdrawn or changed what they add (public lean or standing) since the score was last released
 * ("keep" until then, whatever the case's release does), and it is shown only when at least `k`
 * endorsers are counted ("withhold" otherwise). Without the first rule, one known endorser's
 * move between standings could show in the standings term; without the second, the term of a few
 * endorsers would be read beside whom they are. (Leans are public since ADR 018: before it, the
 * lean came from answers and these rules also kept one endorser's change of mind from showing.)
 *
 * @param changedSince endorsers whose contribution differs from the last released score's
 *   (`endorsersChangedSince`); for an argument never scored, every endorser counted now
 * @param counted endorsers counted now (every endorser of the argument)
 * @param k the k-threshold (a positive whole number)
 */
export function argumentScoreDecision(changedSince: number, counted: number, k: number): ArgumentScoreDecision {
  if (!releaseIsDue(changedSince, k)) return "keep";
  return counted >= k ? "release" : "withhold";
}

/**
 * How many people's contribution to an argument's score differs from what was counted before:
 * endorsers added (endorsed) or gone (withdrew), and endorsers whose public lean or standing
 * changed (`endorserContribution`).
 *
 * @param before endorser user id → contribution, as last released (`ReleasedArgumentScore.counted`)
 * @param now the endorsers counted now, for this one argument
 */
export function endorsersChangedSince(before: Record<string, string | number>, now: readonly Pick<CountedEndorser, "userId" | "lean" | "standing">[]): number {
  const current = new Map(now.map((e) => [String(e.userId), endorserContribution(e)]));
  let changed = 0;
  for (const [userId, contribution] of current) if (before[userId] !== contribution) changed += 1;
  for (const userId of Object.keys(before)) if (!current.has(userId)) changed += 1;
  return changed;
}

/**
 * The standing each endorser is counted under in a score's "distinct standings" term, with the
 * same small-group suppression as every breakdown (`mergeSmallGroups`): a standing held by fewer
 * than `k` endorsers is merged with others, so the term never tells that one HR person (or any
 * group under k) endorsed. When no breakdown may be shown, everyone counts as one kind of person.
 * Endorsers with no declared standing stay `null` (no kind of person) unless merged.
 *
 * @returns one entry per endorser, in order: a group key, or null for an undeclared group shown alone
 */
export function standingsForScore(standings: readonly (string | null)[], k: number): (string | null)[] {
  const UNDECLARED = "_undeclared";
  const sizes = new Map<string, number>();
  for (const s of standings) sizes.set(s ?? UNDECLARED, (sizes.get(s ?? UNDECLARED) ?? 0) + 1);
  const breakdown = mergeSmallGroups(
    [...sizes].map(([key, count]) => ({ key, count })),
    k,
  );
  if (breakdown.suppressed) return standings.map(() => OTHER_GROUP);
  const lookup = groupLookup(breakdown);
  return standings.map((s) => {
    const group = lookup.get(s ?? UNDECLARED)!;
    return group === UNDECLARED ? null : group;
  });
}

/**
 * The bridging scores a new release of a case carries: for each argument, `argumentScoreDecision`
 * against what the previous release counted, and when a score is released, `bridgingScore` over
 * the endorsers counted now, with standings as `standingsForScore` groups them.
 *
 * @param previous the previous release's `ArgumentScores` ({} for the first release)
 * @param endorsers every counted endorser of the case's arguments as of this release
 * @param k the k-threshold
 */
export function releaseArgumentScores(previous: ArgumentScores, endorsers: readonly CountedEndorser[], k: number): ArgumentScores {
  const byArgument = new Map<string, CountedEndorser[]>();
  for (const e of endorsers) byArgument.set(String(e.argumentId), [...(byArgument.get(String(e.argumentId)) ?? []), e]);
  const next: ArgumentScores = {};
  for (const id of new Set([...Object.keys(previous), ...byArgument.keys()])) {
    const before = previous[id];
    const now = byArgument.get(id) ?? [];
    const decision = argumentScoreDecision(endorsersChangedSince(before?.counted ?? {}, now), now.length, k);
    const counted = Object.fromEntries(now.map((e) => [String(e.userId), endorserContribution(e)]));
    if (decision === "keep") {
      if (before) next[id] = before;
    } else if (decision === "withhold") {
      // Nothing counted and nothing shown is the same as no entry.
      if (now.length > 0) next[id] = { score: null, counted };
    } else {
      const groups = standingsForScore(
        now.map((e) => e.standing),
        k,
      );
      next[id] = { score: bridgingScore(now.map((e, i) => ({ lean: e.lean, standing: groups[i]! }))), counted };
    }
  }
  return next;
}

/** A bridging score as it was shown once: the argument, and whom it counted with what. */
export interface ShownScore {
  argument: number;
  /** Endorser user id → their contribution (`ReleasedArgumentScore.counted`). */
  counted: Record<string, string | number>;
}

/** One key per distinct shown score (argument and counted set), whatever order its entries were stored in. */
function shownScoreKey(score: ShownScore): string {
  const counted = Object.entries(score.counted).sort(([a], [b]) => Number(a) - Number(b));
  return `${score.argument}|${counted.map(([user, contribution]) => `${user}:${contribution}`).join(",")}`;
}

/**
 * The scores a release shows, by argument id, and every score shown so far. Arguments with a
 * released score are taken oldest first, each shown only if, with every score shown in earlier
 * releases and those shown before it now, every set of protected contributions counted by
 * exactly the same shown scores numbers 0 or at least `k` people. A protected contribution is a
 * person's standing as counted (`protectedPart`; leans are public since ADR 018), so a person's
 * old and new standing are told apart. Two arguments endorsed by the same people but one would
 * otherwise differ by that one person's standing in the standings term, and so would one
 * argument's score read at an earlier release beside another's read later (third and fourth
 * reviews, then about leans read from answers): with the rule, any difference between scores
 * ever shown is about at least k people. Decided from who endorsed, never from standings.
 *
 * @param scores the release's `ArgumentScores`
 * @param k the k-threshold
 * @param shownBefore every score shown by earlier releases (`everShown` of the previous call; [] at first)
 * @returns `shown`: score by argument id; `everShown`: `shownBefore` and the scores shown now, without repeats
 */
export function shownArgumentScores(scores: ArgumentScores, k: number, shownBefore: readonly ShownScore[] = []): { shown: Map<number, number>; everShown: ShownScore[] } {
  const shown = new Map<number, number>();
  const everShown = new Map<string, ShownScore>();
  // Each counted (person, protected contribution)'s signature: the shown scores that count it.
  let signatures = new Map<string, string>();
  const count = (score: ShownScore, into: Map<string, string>) => {
    const key = shownScoreKey(score);
    for (const [userId, contribution] of Object.entries(score.counted)) {
      const answer = `${userId}:${protectedPart(contribution)}`;
      into.set(answer, `${into.get(answer) ?? ""};${key}`);
    }
  };
  for (const score of shownBefore) {
    if (everShown.has(shownScoreKey(score))) continue;
    everShown.set(shownScoreKey(score), score);
    count(score, signatures);
  }
  const released = Object.entries(scores)
    .filter(([, entry]) => entry.score !== null)
    .sort(([a], [b]) => Number(a) - Number(b));
  for (const [id, entry] of released) {
    const score: ShownScore = { argument: Number(id), counted: entry.counted };
    if (everShown.has(shownScoreKey(score))) {
      shown.set(Number(id), entry.score!);
      continue;
    }
    const next = new Map(signatures);
    count(score, next);
    // People per signature: contributions of one person with the same signature count once.
    const people = new Map<string, Set<string>>();
    for (const [answer, signature] of next) {
      const own = people.get(signature) ?? new Set<string>();
      own.add(answer.split(":")[0]!);
      people.set(signature, own);
    }
    if ([...people.values()].some((who) => who.size < k)) continue;
    signatures = next;
    everShown.set(shownScoreKey(score), score);
    shown.set(Number(id), entry.score!);
  }
  return { shown, everShown: [...everShown.values()] };
}

/**
 * The scores a new release of a case carries and shows: `releaseArgumentScores`, except that an
 * argument whose new score `shownArgumentScores` would not show beside every score shown before
 * keeps its previous release (its score and counted set, already shown, so showing it again
 * tells nothing new) until a later release's set passes. Without this, one endorser changing
 * their standing among k newcomers would take the argument's score away.
 *
 * @param previous the previous release's `ArgumentScores` ({} for the first release)
 * @param endorsers every counted endorser of the case's arguments as of this release
 * @param shownBefore every score shown by earlier releases
 * @returns what to store (`scores`, `everShown`) and the scores shown now by argument id
 */
export function releaseShownScores(
  previous: ArgumentScores,
  endorsers: readonly CountedEndorser[],
  k: number,
  shownBefore: readonly ShownScore[],
): { scores: ArgumentScores; shown: Map<number, number>; everShown: ShownScore[] } {
  const scores = releaseArgumentScores(previous, endorsers, k);
  const first = shownArgumentScores(scores, k, shownBefore);
  for (const [id, entry] of Object.entries(scores)) {
    if (entry === previous[id] || entry.score === null || first.shown.has(Number(id))) continue;
    if (previous[id]) scores[id] = previous[id]!;
    else delete scores[id];
  }
  return { scores, ...shownArgumentScores(scores, k, shownBefore) };
}

// ---------------------------------------------------------------------------------------------
// The live workshop room (ADR 009, "Removals", "Tiny rooms", "Same suppression everywhere").
// Every audience of a room (projector, phones, control panel, debrief.md, positions.csv, the
// comparison page) releases its aggregates through these rules, and keeps no k logic of its own.
// ---------------------------------------------------------------------------------------------

/** One vote cell of a participant: a perspective answered in a round. */
export interface VoteCell {
  round: number;
  perspective: string;
}

/**
 * Every count of a room a participant's votes and credits are part of: each (round, perspective)
 * tally, each round's "answered" count and empathy gap (every polled perspective in the round),
 * each perspective's shift (rounds 1 and 2 both), and each count of a submission they credited (its
 * upvotes, or how many named it as what moved them). Withdrawing a person changes exactly these
 * counts. Upvotes name no one, so a removed person's upvotes leaving at once would say which
 * submissions that known person upvoted: they leave with the votes, under the same rule.
 *
 * @param cells the participant's votes still stored
 * @param perspectives the perspectives the workshop polls
 * @param credited the submission counts their credits are part of, e.g. "upvote 12",
 *   "moved-by 12" (those the counting rule may count: `creditMayCount`)
 * @returns population keys, e.g. "cell 1 employee", "round 1", "shift employee", "upvote 12"
 */
export function countsHolding(cells: readonly VoteCell[], perspectives: readonly string[], credited: readonly string[] = []): Set<string> {
  const keys = new Set<string>(credited);
  const rounds = new Set(cells.map((c) => c.round));
  for (const c of cells) keys.add(`cell ${c.round} ${c.perspective}`);
  for (const round of rounds) if (perspectives.every((p) => cells.some((c) => c.round === round && c.perspective === p))) keys.add(`round ${round}`);
  // The shift is round 1 -> round 2 only (ADR 032): a third round's vote is in no shift. Keying
  // anyone in two rounds would be no stricter: "none or at least k" is not monotone, so extra
  // people in a key can carry a batch whose true shift loses one person past k.
  for (const p of perspectives) if ([1, 2].every((round) => cells.some((c) => c.round === round && c.perspective === p))) keys.add(`shift ${p}`);
  return keys;
}

/**
 * Whether the removed participants whose votes still count (the pending ones) may all be
 * withdrawn together now: only when every count of the room loses either none or at least `k` of
 * them (`countsHolding`), so that no tally, answered count, gap or shift ever changes by fewer
 * than `k` removed people (ADR 009, "Removals"). A batch counted over the whole workshop is not
 * enough: two people who voted only in round 1 and one who voted only in round 2 would take one
 * named person out of round 2's tally. Withdrawn people stay withdrawn (a later reset cannot
 * bring a batch back); pending ones keep counting until a removal makes the whole set safe.
 *
 * @param pending for each pending removed participant, the counts their votes are part of
 * @param k the k-threshold (a positive whole number)
 */
export function withdrawalIsSafe(pending: readonly ReadonlySet<string>[], k: number): boolean {
  const losses = new Map<string, number>();
  for (const counts of pending) for (const key of counts) losses.set(key, (losses.get(key) ?? 0) + 1);
  return [...losses.values()].every((lost) => lost >= k);
}

/**
 * Whether a (round, perspective) tally of a live room may be released to any audience: only once
 * it counts at least `k` voters. Below that every audience is told that results appear when `k`
 * people have voted, with no option count, judgement count, mean or respondents figure.
 *
 * @param countedVoters voters counted in the cell (withdrawn participants excluded)
 */
export function cellReleased(countedVoters: number, k: number): boolean {
  return countedVoters >= k;
}

/** The room's empathy gap for a round: released only when at least `k` counted people answered both perspectives. */
export function gapReleased(peopleInBothPerspectives: number, k: number): boolean {
  return peopleInBothPerspectives >= k;
}

/**
 * The shift from round 1 to round 2 for a perspective: released only when at least `k` counted
 * people answered it in both rounds, and the people who answered only one of the rounds (early
 * leavers, late joiners) number none or at least `k` each. Otherwise round 1's tally minus round
 * 2's, read beside a shift of "nobody moved", is one known leaver's (or joiner's) answer.
 *
 * @param onlyRoundOne counted people who answered the perspective in round 1 and not in round 2
 * @param onlyRoundTwo counted people who answered it in round 2 and not in round 1
 */
export function shiftReleased(peopleInBothRounds: number, k: number, onlyRoundOne = 0, onlyRoundTwo = 0): boolean {
  const noneOrK = (people: number) => people === 0 || people >= k;
  return peopleInBothRounds >= k && noneOrK(onlyRoundOne) && noneOrK(onlyRoundTwo);
}

/**
 * A role-play room's change between two phases (ADR 032: before the role-play, after it, after
 * the swap) of one figure (a perspective's average judgement, or the empathy gap): shown only
 * when the figure is released in both phases (`cellReleased`, `gapReleased`), and then it is the
 * difference of the two released figures, which tells nothing the two do not. It is never a
 * figure of the people who answered both phases (that would be a cohort of its own, whose
 * difference from a whole round is the late joiners' or early leavers' answers).
 *
 * @param fromReleased whether the earlier phase's figure is released
 * @param toReleased whether the later phase's figure is released
 */
export function phaseChangeReleased(fromReleased: boolean, toReleased: boolean): boolean {
  return fromReleased && toReleased;
}

/**
 * Whether the debrief may say how many people named an argument as what moved them: a change of
 * mind is a protected answer, so only when at least `k` counted people did.
 */
export function movedByShown(people: number, k: number): boolean {
  return people >= k;
}

/** What a withheld aggregate carries instead of its figures: that results appear at `k` people. */
export interface Withheld {
  released: false;
  /** The number of voters at which results appear. */
  k: number;
}

/** A released aggregate, or what identifies it (`Keep`) with the k it waits for and no figure. */
export type Release<T, Keep extends keyof T> = (T & { released: true }) | (Pick<T, Keep> & Withheld);

/**
 * Releases an aggregate when `released` is true, or withholds every figure in it, keeping only
 * the fields that say which aggregate it is (e.g. round and perspective).
 *
 * @param value the aggregate with its figures
 * @param released the verdict of one of the rules above (cellReleased, gapReleased, shiftReleased)
 * @param keep the identifying fields a withheld aggregate keeps
 */
export function release<T extends object, Keep extends keyof T>(value: T, released: boolean, k: number, keep: readonly Keep[]): Release<T, Keep> {
  if (released) return { ...value, released: true as const };
  const kept = {} as Pick<T, Keep>;
  for (const key of keep) kept[key] = value[key];
  return { ...kept, released: false as const, k };
}

/** The sentence every audience shows in place of a withheld tally. */
export function resultsAppearAt(k: number): string {
  return `Results appear when ${k} people have voted`;
}

/** The standing key of participants who declared none (never a real standing). */
export const UNDECLARED_STANDING = "undeclared";

/** The key of one (round, perspective) cell of a workshop, for `StandingVoters.cells`. */
export function workshopCellKey(round: number, perspective: string): string {
  return `${round}:${perspective}`;
}

/** One standing's counted voters in a workshop: in all, and per (round, perspective) cell. */
export interface StandingVoters {
  /** The standing declared on joining; null when none was declared. */
  standing: string | null;
  /** Counted voters (at least one counted vote in the workshop) who declared it. */
  people: number;
  /** Counted voters who declared it, per cell key (any string naming one round and perspective). */
  cells?: Readonly<Record<string, number>>;
}

/**
 * The workshop's one grouping by standing (fixed group membership): the participants with at
 * least one counted vote, by the standing they declared on joining, merged by `mergeSmallGroups`
 * (k-anonymity with complementary suppression). Chosen once per workshop and used by every
 * round's and perspective's standing table in the debrief and by the CSV's standing column, so
 * two exports never differ by a small group.
 *
 * A group must hold at least k people in every cell it appears in, not only in the workshop: a
 * standing with k voters in round 1 and one in round 2 would show that one person's answer in
 * round 2's table. Such a group is merged, and if the merged group is then thin in some cell, the
 * smallest shown standing joins it too, until every shown group has 0 or at least k voters in
 * every released cell (`cellReleased`; an unreleased cell is not broken down), or nothing can be
 * shown.
 *
 * @param standings one entry per standing, with its cells when the caller breaks tables down by them
 */
export function workshopGrouping(standings: readonly StandingVoters[], k: number): Breakdown {
  const sizes = new Map<string, number>();
  const cells = new Map<string, Map<string, number>>();
  for (const s of standings) {
    const key = s.standing ?? UNDECLARED_STANDING;
    sizes.set(key, (sizes.get(key) ?? 0) + s.people);
    const own = cells.get(key) ?? new Map<string, number>();
    for (const [cell, people] of Object.entries(s.cells ?? {})) own.set(cell, (own.get(cell) ?? 0) + people);
    cells.set(key, own);
  }
  const groups = [...sizes].map(([key, count]) => ({ key, count }));
  // Only released cells are broken down by standing; a cell under k shows nothing to be thin in.
  const cellTotals = new Map<string, number>();
  for (const own of cells.values()) for (const [cell, people] of own) cellTotals.set(cell, (cellTotals.get(cell) ?? 0) + people);
  const cellKeys = [...cellTotals].filter(([, people]) => cellReleased(people, k)).map(([cell]) => cell);
  const thin = (members: string[]) =>
    cellKeys.some((cell) => {
      const people = members.reduce((sum, member) => sum + (cells.get(member)?.get(cell) ?? 0), 0);
      return people > 0 && people < k;
    });
  const mustMerge = new Set<string>();
  // Each pass merges at least one more standing, so this ends (at worst with everything merged).
  for (;;) {
    const grouping = mergeSmallGroups(groups, k, mustMerge);
    if (grouping.suppressed) return grouping;
    const thinGroups = grouping.shown.filter((group) => thin(group.members));
    if (thinGroups.length === 0) return grouping;
    const thinStandings = thinGroups.filter((group) => group.key !== OTHER_GROUP);
    if (thinStandings.length > 0) for (const group of thinStandings) mustMerge.add(group.key);
    else mustMerge.add(grouping.shown.filter((group) => group.key !== OTHER_GROUP).at(-1)!.key);
  }
}

/**
 * Whether a workshop's breakdowns by standing (the debrief's standing tables, the CSV's standing
 * column) may be released: once, when the workshop has ended. While it runs, votes arrive one at
 * a time, and a breakdown read just before and just after a known person votes would say which
 * group they are in (ADR 009, "What must never be learned", 3). An ended workshop is read-only,
 * so this one release never changes.
 */
export function standingBreakdownReleased(workshopEnded: boolean): boolean {
  return workshopEnded;
}

/** What the exports say in place of a breakdown by standing while the workshop runs. */
export const STANDINGS_AT_END = "shown when the workshop has ended";

/**
 * The shown group a participant's answers are counted in under the workshop grouping: a
 * standing's own key, OTHER_GROUP for merged small groups, or null when the grouping is
 * suppressed (nothing is broken down).
 */
export function groupOfStanding(grouping: Breakdown, standing: string | null): string | null {
  if (grouping.suppressed) return null;
  return groupLookup(grouping).get(standing ?? UNDECLARED_STANDING) ?? OTHER_GROUP;
}

/**
 * What the facilitator is told before and after removing participants, in plain words: votes
 * already cast, and upvotes already given, are withdrawn only when every count loses none or at
 * least `k` removed people (`withdrawalIsSafe`), so that no count on any screen or export changes
 * by one removed person.
 */
export function removalNotice(k: number): string {
  return `Votes they already cast keep counting until every count they are part of can lose at least ${k} removed people at once, so no count ever shows what one removed person answered. Their upvotes leave with their votes, under the same rule; what they sent leaves the room's list at once. To clear unwanted votes at once, reset the round.`;
}

/**
 * Steelmen (ADR 031) written since the last opening, as `steelmenToOpen` reads them: pending
 * (not yet open for rating), by side of a perspective.
 */
export interface PendingSteelman {
  id: number;
  perspective: string;
  /** The lean it argues for; its author took the other (or neither). */
  side: string;
  /** Counts under the counting rule (visible): a hidden or deleted steelman neither opens nor pads a batch. */
  counts: boolean;
}

/**
 * Which pending steelmen open for rating at this release (ADR 031): for each perspective and
 * side, all of its counted pending steelmen when they number at least k, else none. A steelman's
 * side tells that its author did not take that side, so raters, who see steelmen as they open,
 * must never see one arrive alone: a batch of k is k writers, none of them singled out.
 */
export function steelmenToOpen(pending: readonly PendingSteelman[], k: number): number[] {
  const groups = new Map<string, number[]>();
  for (const s of pending) {
    if (!s.counts) continue;
    const key = JSON.stringify([s.perspective, s.side]);
    groups.set(key, [...(groups.get(key) ?? []), s.id]);
  }
  return [...groups.values()]
    .filter((ids) => ids.length >= k)
    .flat()
    .sort((a, b) => a - b);
}

/** One steelman's ratings as `releaseSteelmanScores` reads them. */
export interface SteelmanRatings {
  id: number;
  /** Counts under the counting rule (visible); one that does not keeps what was released and shows nothing. */
  counts: boolean;
  /** Twice the released mean (2 … 10), or null before its first released score. */
  releasedScore: number | null;
  /** Counted ratings (not the author's own): each rater's value now and the value the released score counted (null: not counted). */
  ratings: readonly { value: number; releasedValue: number | null }[];
}

/**
 * Steelman scores due at this release (ADR 031): the ids whose score is released now, with the
 * new score (twice the mean, in half points). A score is first released when at least k people
 * rated the steelman; a released score changes only when at least k raters rated it or changed
 * their rating since (a rating is never withdrawn, so a change is a new rater or a new value).
 * Between those, the released score stands, whatever single raters do; with no count shown,
 * nobody's rating, nor whether a known person rated, can be read off a change.
 */
export function releaseSteelmanScores(steelmen: readonly SteelmanRatings[], k: number): Map<number, number> {
  const released = new Map<number, number>();
  for (const s of steelmen) {
    if (!s.counts || s.ratings.length < k) continue;
    const changed = s.ratings.filter((r) => r.releasedValue !== r.value).length;
    // Before a first score every rating is new, so this is also "at least k ratings".
    if (changed < k) continue;
    released.set(s.id, halfPointScore(s.ratings.map((r) => r.value)));
  }
  return released;
}

/** One counted rating of a role-play step (ADR 034), with its rater's declared standing, as `ratingsByStanding` reads it. */
export interface StandingRating {
  raterId: number;
  /** The standing the rater declared on joining; null when none. */
  standing: string | null;
  value: number;
}

/** A step's ratings by standing as released: per group of the workshop's grouping, twice the mean rating given (null: nobody in it rated); or withheld, with why. */
export type RatingsByStanding = { released: true; rows: { group: string; members: string[]; halfPoints: number | null }[] } | { released: false; reason: string };

/**
 * The mean rating a role-play step's raters gave, by their declared standing (issue 17, "ratings by
 * standing follow the k rules"; ADR 034). It uses the workshop's one grouping (`workshopGrouping`,
 * ADR 009) and is released with the other standing breakdowns, once the workshop has ended
 * (`standingBreakdownReleased`). All or nothing: every group that rated must hold at least k
 * distinct raters, and every rater must fall in a shown group; otherwise nothing is shown, so
 * no group's figure can be read off the others (complementary suppression). A group with no
 * raters says so (that nobody of a group of k or more rated tells nothing of one person). No
 * count of raters is shown. Scores are half points of the mean (`halfPointScore`).
 */
export function ratingsByStanding(grouping: Breakdown, ratings: readonly StandingRating[], k: number, workshopEnded: boolean): RatingsByStanding {
  if (!standingBreakdownReleased(workshopEnded)) return { released: false, reason: STANDINGS_AT_END };
  if (grouping.suppressed) return { released: false, reason: grouping.reason };
  const byGroup = new Map(grouping.shown.map((g) => [g.key, { raters: new Set<number>(), values: [] as number[] }]));
  for (const rating of ratings) {
    const group = byGroup.get(groupOfStanding(grouping, rating.standing) ?? "");
    if (!group) return { released: false, reason: "not shown: some raters are in no group of this workshop's grouping" };
    group.raters.add(rating.raterId);
    group.values.push(rating.value);
  }
  if ([...byGroup.values()].some((g) => g.raters.size > 0 && g.raters.size < k)) return { released: false, reason: `not shown: a group has fewer than ${k} raters` };
  return {
    released: true,
    rows: grouping.shown.map((g) => {
      const values = byGroup.get(g.key)!.values;
      return { group: g.key, members: g.members, halfPoints: values.length > 0 ? halfPointScore(values) : null };
    }),
  };
}
