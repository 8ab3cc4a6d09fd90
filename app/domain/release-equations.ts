/**
 * Part of the disclosure module (`disclosure.ts`, ADR 009): what every online release of a case
 * shows, read together, as one system of linear equations, and whether it isolates anyone.
 * Pure: no I/O.
 *
 * The unknowns are answers. Each person's released answer to a perspective is a *record*, held
 * from the release that took it until the release that replaced it; a person's first answer to a
 * perspective is an unknown too (the shift compares with it), the same unknown as their first
 * record when that record was released. Every figure a release shows is the sum, over a set of
 * people everyone can name (who answered what when, and standings, are public), of a linear
 * function of those unknowns: a perspective's bars and judgement, per group; the shift (each
 * re-answer minus the first answer); the bars of answers given on a retired case version, and
 * of an option only some versions offered (over the answers on those versions); the
 * empathy gap (employee minus employer). Modelled conservatively, each shown row gives the full
 * sum of the vectors it touches.
 *
 * An attacker who reads every release can compute any linear combination of the shown rows (the
 * row space). The rule: no combination may be nonzero on the unknowns of 1 to k−1 people only
 * (k-anonymity of every derivable aggregate; the source is statistical disclosure control's
 * "differencing" attack on tables released over time, closed here exactly rather than by
 * perturbation). A combination that isolates one person's old answer minus their new one (a
 * change of mind) is such a combination too.
 *
 * How it is decided: unknowns with identical columns (touched by exactly the same rows with the
 * same signs) are merged into *atoms*; every combination gives equal weight to an atom's
 * unknowns, so an atom of k or more people can never be singled out in part. With the large
 * atoms' columns first, one Gaussian elimination (modulo a prime, exact) leaves a basis of the
 * combinations that are zero on every large atom; if there is none, nothing small is exposed.
 * Otherwise each set of small atoms holding 1 to k−1 people is tried: it is exposed when removing
 * its columns from that basis lowers the rank.
 *
 * Answers are counts, never negative, so a combination need not be zero elsewhere to single
 * someone out: it is enough that it is nowhere positive elsewhere (`exposedByBounds`, the tenth
 * review), tested over the same atoms and rows.
 */
import { groupLookup, type Breakdown } from "./disclosure";

/** One released record: a person's answer to one perspective, as a run of releases held it. */
export interface HeldRecord {
  /** The person (any stable id: the user id). */
  person: number;
  perspective: string;
  /** Standing key counted on the case (fixed per person and case). */
  standing: string;
  /** Case version the answer was given on. */
  version: number;
  /** Whether the answer is not the person's first to this perspective (it then shows a shift). */
  reanswer: boolean;
  /** Index of the release that took it (0 is the first release). */
  from: number;
  /** Index of the release that replaced it; null while it is held. */
  until: number | null;
  /** The positions row it is: runs of the same row are one unknown. */
  positionId?: number;
}

/** What one release showed, beyond its records: its grouping and the case versions then retired. */
export interface ReleaseShape {
  grouping: Breakdown;
  /** The perspectives it showed (the case version's then); absent: `EquationOptions.perspectives`, with the gap as `EquationOptions.gap` says. */
  perspectives?: readonly string[];
  /** Per perspective, the case versions whose answers showed as options "no longer offered". */
  retired?: Readonly<Record<string, readonly number[]>>;
  /** Per perspective, the sets of case versions whose answers an option's bar counts alone (`optionPopulations`). */
  populations?: Readonly<Record<string, readonly (readonly number[])[]>>;
}

export interface EquationOptions {
  /** The case's perspective keys now (for releases that do not say which they showed). */
  perspectives: readonly string[];
  /** Whether the empathy gap (employee minus employer) is shown. */
  gap: boolean;
  /** The first release whose rows count (earlier ones are checked by the older pairwise rule). */
  from?: number;
  k: number;
  /**
   * People the earlier releases alone already bound (releases made before the bounds test, ADR
   * 009 "Bars are counts"): the bounds test treats their answers as known, so it neither reports
   * them again (refusing cannot take back what was shown, and would stop every later release)
   * nor lets them pad a set of others to k.
   */
  known?: ReadonlySet<number>;
}

/**
 * A record's unknown: its answer, so two runs of the same positions row (a perspective shown,
 * not shown, then shown again) are one unknown; `i` (its index in the records) when the row is
 * not known.
 */
function unknownOf(record: HeldRecord, i: number): string {
  return record.positionId === undefined ? `r${i}` : `p${record.person}:${record.perspective}:${record.positionId}`;
}

/** The row key part of an option population (a set of case versions, in any order). */
function populationKey(versions: readonly number[]): string {
  return `o${[...versions].sort((a, b) => a - b).join(".")}`;
}

/**
 * Past this many sets of people to try, everyone the combinations touch counts as exposed
 * (refusing is always safe). Histories full of re-answers make many small atoms; the plan runs
 * inside the case's release lock, so its time is bounded here at the cost of some waiting
 * (a 50-person storm of re-answers: 74 ms at worst, against 3.5 s with 20,000).
 */
const MAX_SETS_TRIED = 500;
/** A prime below 2^26, so a product of two residues stays exact in a double. */
const PRIME = 67_108_859;

/**
 * The people whom some combination of the releases' rows singles out: the union of every
 * minimal set of 1 to k−1 people that a combination is nonzero on only (so the same whatever
 * order the sets are found in), or null when there is none and the releases may all be shown.
 * See the module comment for the model and the method.
 *
 * @param records every record any of the releases held, with the runs they were held for
 * @param releases every release, oldest first (indices as in `HeldRecord.from`/`until`)
 * @returns the exposed person ids, ascending, or null
 */
export function exposedBySeveralReleases(records: readonly HeldRecord[], releases: readonly ReleaseShape[], options: EquationOptions): number[] | null {
  const { columns, rows } = releaseEquations(records, releases, options);
  return linearExposure(columns, rows, options);
}

/**
 * Both tests of the releases' rows, worked out once: the linear test (`exposedBySeveralReleases`),
 * then, when it finds nobody, the bounds test (`exposedByBounds`).
 *
 * @returns the exposed person ids, ascending, or null
 */
export function exposedJointly(records: readonly HeldRecord[], releases: readonly ReleaseShape[], options: EquationOptions): number[] | null {
  const { columns, rows } = releaseEquations(records, releases, options);
  return linearExposure(columns, rows, options) ?? boundsExposure(columns, rows, options.k, options.known);
}

/** `exposedBySeveralReleases` on rows already worked out. */
function linearExposure(columns: readonly Atom[], rows: readonly Map<number, number>[], options: EquationOptions): number[] | null {
  if (rows.length === 0) return null;
  const large = columns.filter((c) => c.people.size >= options.k).map((c) => c.index);
  const small = columns.filter((c) => c.people.size < options.k).map((c) => c.index);
  if (small.length === 0) return null;
  // Combinations that are zero on every large atom: the echelon rows whose pivot is a small atom.
  const order = [...large, ...small];
  const position = new Map(order.map((column, i) => [column, i]));
  // Dense rows filled from the sparse ones: asking each row's map for every column was most of a
  // long history's plan time (rows × atoms lookups, issue #19).
  const dense = rows.map((row) => {
    const values = new Float64Array(order.length);
    for (const [column, c] of row) values[position.get(column)!] = c;
    return values;
  });
  const echelon = rowEchelon(dense, order.length);
  // A basis of the combinations that vanish on every large atom, over the small atoms, reduced so
  // each row is 1 on its own pivot atom and 0 on every other row's.
  const basis = reduce(echelon.filter((r) => r.pivot >= large.length).map((r) => ({ pivot: r.pivot - large.length, values: Array.from(r.values.subarray(large.length)) })));
  if (basis.length === 0) return null;
  const peopleOf = (i: number) => columns[small[i]!]!.people;
  const pivots = new Set(basis.map((r) => r.pivot));
  const nonzero = basis.map((r) => r.values.flatMap((v, i) => (v !== 0 && !pivots.has(i) ? [i] : [])));

  // A combination y·basis is nonzero on the pivots of the rows it uses (Q), and on the other atoms
  // it does not cancel. A minimal isolating combination uses rows linked by shared atoms (else
  // one part alone would isolate a subset), so sets Q are grown along those links; for each, the
  // atoms it may leave nonzero (S) are tried, and Q with S is exposed when some combination of
  // Q's rows vanishes on every other atom those rows touch (a rank drop of a |Q|-row matrix).
  const byAtom = new Map<number, number[]>();
  nonzero.forEach((atoms, row) => atoms.forEach((atom) => byAtom.set(atom, [...(byAtom.get(atom) ?? []), row])));
  const neighbours = nonzero.map((atoms, row) => new Set(atoms.flatMap((atom) => byAtom.get(atom)!).filter((other) => other !== row)));
  const exposedSets = new Map<string, number[]>();
  const seen = new Set<string>();
  let budget = MAX_SETS_TRIED;
  const trySets = (rows: number[]) => {
    const people = new Set(rows.flatMap((row) => [...peopleOf(basis[row]!.pivot)]));
    const reach = [...new Set(rows.flatMap((row) => nonzero[row]!))].sort((x, y) => x - y);
    const pick = (from: number, kept: number[], who: ReadonlySet<number>) => {
      if ((budget -= 1) < 0) return;
      const kept_ = new Set(kept);
      const cancelled = reach.filter((atom) => !kept_.has(atom));
      const matrix = rows.map((row) => Float64Array.from(cancelled, (atom) => basis[row]!.values[atom]!));
      if (cancelled.length === 0 || rowEchelon(matrix, cancelled.length).length < rows.length) {
        const sorted = [...who].sort((x, y) => x - y);
        exposedSets.set(sorted.join(","), sorted);
      }
      for (let t = from; t < reach.length; t += 1) {
        // Counted before the set is made: most atoms take the set to k or past it.
        let newcomers = 0;
        for (const person of peopleOf(reach[t]!)) if (!who.has(person)) newcomers += 1;
        if (who.size + newcomers < options.k) pick(t + 1, [...kept, reach[t]!], new Set([...who, ...peopleOf(reach[t]!)]));
      }
    };
    pick(0, [], people);
  };
  const growRows = (rows: number[], people: ReadonlySet<number>) => {
    const key = [...rows].sort((x, y) => x - y).join(",");
    if (seen.has(key) || budget < 0) return;
    seen.add(key);
    trySets(rows);
    for (const next of new Set(rows.flatMap((row) => [...neighbours[row]!]))) {
      if (rows.includes(next)) continue;
      const more = new Set([...people, ...peopleOf(basis[next]!.pivot)]);
      if (more.size < options.k) growRows([...rows, next], more);
    }
  };
  basis.forEach((row, i) => {
    if (peopleOf(row.pivot).size < options.k) growRows([i], peopleOf(row.pivot));
  });
  if (budget < 0) {
    // Past the budget: everyone the combinations touch counts as exposed (refusing is always safe).
    return [...new Set(basis.flatMap((row, i) => [row.pivot, ...nonzero[i]!]).flatMap((atom) => [...peopleOf(atom)]))].sort((x, y) => x - y);
  }
  const found = [...exposedSets.values()];
  if (found.length === 0) return null;
  const isSubset = (a: number[], b: number[]) => a.length < b.length && a.every((p) => b.includes(p));
  const minimal = found.filter((set) => !found.some((other) => isSubset(other, set)));
  return [...new Set(minimal.flat())].sort((x, y) => x - y);
}

/**
 * The people whom one shown row's churn between two releases singles out, for counts (ADR 009,
 * "Bars only grow by who entered"; seventh attacker review). A bar counts people, so it is never
 * negative: when a row's records differ between two releases by the records that *entered* it
 * and those that *left* it, every bar that grew grew by the answers of those who entered, and
 * every bar that shrank by those who left. The linear test (`exposedBySeveralReleases`) sees the
 * difference as one sum over both sets together, at least k people, and lets it through; here
 * each set must hold none or at least k people. Checked for the newest release (the candidate)
 * against every earlier one from `options.from` on that shows the same row: per perspective,
 * overall and per shown group, and per retired version and option population, overall and
 * within each shown group (persuasion has its own rows, `exposedByPersuasion`). Combinations of
 * several different rows are the linear test's and the bounds test's (`exposedByBounds`).
 *
 * @param records every record any of the releases held (`HeldRecord`)
 * @param releases every release, oldest first; the last is the one being planned
 * @returns the people of every entering or leaving set of 1 to k−1 people, ascending, or null
 */
export function exposedByRowChurn(records: readonly HeldRecord[], releases: readonly ReleaseShape[], options: EquationOptions & { firstAnswers?: boolean }): number[] | null {
  // The judgements at first answers are a row of the results (one per person released); a
  // system of other figures (persuasion's) has none.
  const firstAnswers = options.firstAnswers ?? true;
  const last = releases.length - 1;
  if (last < 1) return null;
  const from = Math.max(options.from ?? 0, 0);
  const lookups = releases.map((release) => (release.grouping.suppressed ? null : groupLookup(release.grouping)));
  const shownPerspectives = releases.map((release) => release.perspectives ?? options.perspectives);
  // Unknowns and people as small integers, so each row a release holds is a bitset over the
  // unknowns (a Set of strings per row and release was nearly half of a long history's plan).
  const unknownIds = new Map<string, number>();
  const personOfUnknown: number[] = [];
  const idOf = (unknown: string, person: number): number => {
    let id = unknownIds.get(unknown);
    if (id === undefined) {
      unknownIds.set(unknown, (id = personOfUnknown.length));
      personOfUnknown.push(person);
    }
    return id;
  };
  const recordIds = records.map((record, i) => idOf(unknownOf(record, i), record.person));
  const firstIds = firstAnswers ? records.map((record) => idOf(`f${record.person}:${record.perspective}`, record.person)) : [];
  const words = Math.ceil(personOfUnknown.length / 32);
  // Per release, row key → the unknowns it holds.
  const rows = releases.map(() => new Map<string, Uint32Array>());
  const rowAt = (r: number, key: string): Uint32Array => {
    let set = rows[r]!.get(key);
    if (!set) rows[r]!.set(key, (set = new Uint32Array(words)));
    return set;
  };
  // The rows a record's answer to `p` is held in at release r (beside `${p}|first`), worked out
  // once per release and kind of record rather than once per record.
  const rowsByKind = new Map<string, Uint32Array[][]>();
  const rowsOfKind = (record: HeldRecord): Uint32Array[][] => {
    const kind = `${record.perspective}\u0000${record.standing}\u0000${record.version}`;
    let perRelease = rowsByKind.get(kind);
    if (!perRelease) rowsByKind.set(kind, (perRelease = []));
    return perRelease;
  };
  const rowsAt = (r: number, record: HeldRecord, perRelease: Uint32Array[][]): Uint32Array[] => {
    const known = perRelease[r];
    if (known) return known;
    const p = record.perspective;
    const keys = [`${p}|all`];
    if (firstAnswers) keys.push(`${p}|first`);
    const group = lookups[r]?.get(record.standing);
    // Overall, and within the record's shown group: a group's bars show its answers on a
    // retired version and an option population apart too (ninth review).
    const scopes = group === undefined ? [p] : [p, `${p}|g${group}`];
    if (group !== undefined) keys.push(`${p}|g${group}`);
    for (const scope of scopes) {
      if (releases[r]!.retired?.[p]?.includes(record.version)) keys.push(`${scope}|v${record.version}`);
      for (const versions of releases[r]!.populations?.[p] ?? []) {
        if (versions.includes(record.version)) keys.push(`${scope}|${populationKey(versions)}`);
      }
    }
    return (perRelease[r] = keys.map((key) => rowAt(r, key)));
  };
  records.forEach((record, i) => {
    const until = Math.min(record.until ?? releases.length, releases.length);
    const own = recordIds[i]!;
    const first = firstIds[i]!;
    const ofKind = rowsOfKind(record);
    for (let r = Math.max(record.from, from); r < until; r += 1) {
      if (!shownPerspectives[r]!.includes(record.perspective)) continue;
      const held = rowsAt(r, record, ofKind);
      // With first answers, held[1] is `${p}|first`: the judgements at first answers ("Since
      // people first answered"), one per person released.
      for (let h = 0; h < held.length; h += 1) {
        const unknown = firstAnswers && h === 1 ? first : own;
        held[h]![unknown >>> 5]! |= 1 << (unknown & 31);
      }
    }
  });
  // The rows a release shows, held by nobody or not: each shown perspective overall and per shown
  // group, its retired versions, option populations and re-answers.
  const shownRows = (r: number): Set<string> => {
    const keys = new Set<string>();
    const release = releases[r]!;
    for (const p of shownPerspectives[r]!) {
      keys.add(`${p}|all`);
      if (firstAnswers) keys.add(`${p}|first`);
      const scopes = [p, ...(release.grouping.suppressed ? [] : release.grouping.shown.map((group) => `${p}|g${group.key}`))];
      for (const scope of scopes) {
        if (scope !== p) keys.add(scope);
        for (const version of release.retired?.[p] ?? []) keys.add(`${scope}|v${version}`);
        for (const versions of release.populations?.[p] ?? []) keys.add(`${scope}|${populationKey(versions)}`);
      }
    }
    return keys;
  };
  const now = shownRows(last);
  const exposed = new Set<number>();
  const none = new Uint32Array(words);
  // The people of the unknowns in `a` and not in `b`, when they are 1 to k−1 (the scan stops at k).
  const fewPeopleIn = (a: Uint32Array, b: Uint32Array): Set<number> | null => {
    const people = new Set<number>();
    for (let w = 0; w < words; w += 1) {
      let bits = a[w]! & ~b[w]!;
      while (bits !== 0) {
        const low = bits & -bits;
        people.add(personOfUnknown[w * 32 + 31 - Math.clz32(low)]!);
        if (people.size >= options.k) return null;
        bits ^= low;
      }
    }
    return people.size > 0 ? people : null;
  };
  for (let i = from; i < last; i += 1) {
    const then = shownRows(i);
    for (const key of now) {
      if (!then.has(key)) continue;
      const before = rows[i]!.get(key) ?? none;
      const after = rows[last]!.get(key) ?? none;
      for (const few of [fewPeopleIn(after, before), fewPeopleIn(before, after)]) if (few) for (const person of few) exposed.add(person);
    }
  }
  return exposed.size === 0 ? null : [...exposed].sort((a, b) => a - b);
}

/**
 * The people whom the releases' rows single out by bounds (ADR 009, "Bars are counts: bounds
 * across rows"; tenth attacker review). An answer is a count vector (one option, one step of the
 * judgement scale, one legal answer), so every unknown is non-negative and at most one per
 * category. A combination of rows whose coefficients are positive only on the unknowns of 1 to
 * k−1 people (its *positive support*) and zero or negative on everyone else gives, wherever its
 * value is positive, a bar those few people hold: "'other' then minus a standing shown alone
 * now" was one person who stayed in "other", and "a batch's bars minus the bars now" the first
 * answer of one of that batch who changed since. The linear test (`exposedBySeveralReleases`)
 * sees only combinations that are zero on everyone else, and the churn rule
 * (`exposedByRowChurn`) only one row against itself: this is the general case of both (the
 * negated combination covers a small negative support, as the churn rule's leaving people; a
 * judgement bounded −3…3 is a count shifted by 3).
 *
 * The rule: no combination of rows may have a positive support of 1 to k−1 people. By Farkas'
 * lemma, some combination is positive on atom t and nowhere positive outside a set T of atoms
 * exactly when t's column is not a non-negative combination of the columns outside T (a cone).
 * For each atom t of fewer than k people, sets P of people are tried, starting with t's: T is
 * every atom whose people are all in P; if t is outside the cone of the other atoms, P is
 * exposed; if the combination found uses atoms of k or more people only, no P beyond it is;
 * otherwise each small atom it uses is added to P in turn (while P stays under k people), since
 * any T that breaks this combination holds one of them. The exposed people are those of the
 * minimal exposed sets, so the answer does not depend on the order sets are found in. Each cone
 * test is a linear program (phase one of the simplex method, with Bland's rule), after the rows
 * that settle it at once. Past a budget of pivots, t's set counts as exposed (refusing is always
 * safe). People in `options.known` are taken as known (`EquationOptions.known`).
 *
 * @param records every record any of the releases held (`HeldRecord`)
 * @param releases every release, oldest first; the last is the one being planned
 * @returns the people of every minimal exposed set, ascending, or null
 */
export function exposedByBounds(records: readonly HeldRecord[], releases: readonly ReleaseShape[], options: EquationOptions): number[] | null {
  const { columns, rows } = releaseEquations(records, releases, options);
  return boundsExposure(columns, rows, options.k, options.known);
}

/** `exposedByBounds` on rows already worked out: atoms and rows as `releaseEquations` gives them. */
function boundsExposure(columns: readonly Atom[], rows: readonly Map<number, number>[], k: number, known: ReadonlySet<number> = new Set()): number[] | null {
  // People counted towards a set's size: those not already known.
  const unknownPeople = (people: Iterable<number>) => [...people].filter((p) => !known.has(p)).length;
  if (columns.every((c) => unknownPeople(c.people) >= k || unknownPeople(c.people) === 0)) return null;
  // Each atom's column: row index → coefficient.
  const byColumn = columns.map(() => new Map<number, number>());
  rows.forEach((row, r) => {
    for (const [atom, c] of row) byColumn[atom]!.set(r, c);
  });
  const index = coneIndex(byColumn);
  const exposed = new Set<number>();
  let budget = MAX_PIVOTS;
  const spend = (used: number) => (budget -= used) > 0;
  for (const atom of columns) {
    if (unknownPeople(atom.people) >= k || unknownPeople(atom.people) === 0) continue;
    const seen = new Set<string>();
    const found: Set<number>[] = [];
    // Depth first over sets of people P (fewer than k), each tried once; an exposed P is not grown.
    const tryPeople = (people: ReadonlySet<number>) => {
      const key = [...people].sort((a, b) => a - b).join(",");
      if (seen.has(key)) return;
      seen.add(key);
      // T: the atoms whose people are all in P (the atom itself among them).
      const inside = new Set(columns.filter((c) => [...c.people].every((p) => people.has(p) || known.has(p))).map((c) => c.index));
      const used = budget > 0 ? coneCombination(byColumn[atom.index]!, byColumn, spend, inside, index) : null;
      if (used === null) {
        found.push(new Set(people));
        return;
      }
      for (const j of used) {
        const c = columns[j]!;
        if (unknownPeople(c.people) >= k) continue;
        const more = new Set([...people, ...[...c.people].filter((p) => !known.has(p))]);
        if (more.size < k) tryPeople(more);
      }
    };
    tryPeople(new Set([...atom.people].filter((p) => !known.has(p))));
    // The minimal exposed sets (none holds another), so the answer does not depend on the order.
    const minimal = found.filter((set) => !found.some((other) => other.size < set.size && [...other].every((p) => set.has(p))));
    for (const set of minimal) for (const person of set) exposed.add(person);
  }
  return exposed.size === 0 ? null : [...exposed].sort((a, b) => a - b);
}

/** Per row, the generators touching it and how many do so positively and negatively (`coneCombination`). */
interface ConeIndex {
  touching: Map<number, number[]>;
  positive: Map<number, number>;
  negative: Map<number, number>;
}

function coneIndex(generators: readonly ReadonlyMap<number, number>[]): ConeIndex {
  const touching = new Map<number, number[]>();
  const positive = new Map<number, number>();
  const negative = new Map<number, number>();
  generators.forEach((g, j) => {
    for (const [r, c] of g) {
      if (c === 0) continue;
      const list = touching.get(r);
      if (list) list.push(j);
      else touching.set(r, [j]);
      const signs = c > 0 ? positive : negative;
      signs.set(r, (signs.get(r) ?? 0) + 1);
    }
  });
  return { touching, positive, negative };
}

/** Past this many simplex pivots in one test, the atoms not yet shown covered count as exposed. */
const MAX_PIVOTS = 20_000;
/** Below this, a floating-point value is zero (coefficients are small whole numbers). */
const EPSILON = 1e-9;

/**
 * Whether `target` is a non-negative combination of `generators` (all sparse: row → value).
 *
 * @returns whether some μ ≥ 0 has Σ μ_j·generator_j = target (`coneCombination`)
 */
export function inCone(target: ReadonlyMap<number, number>, generators: readonly ReadonlyMap<number, number>[], spend: (pivots: number) => boolean = () => true): boolean {
  return coneCombination(target, generators, spend) !== null;
}

/**
 * A non-negative combination of `generators` equal to `target` (all sparse: row → value), as the
 * indices of the generators it weighs positively; null when there is none. First the rows that
 * settle it at once: a row where the target is zero and every generator touching it has one sign
 * rules those generators out; a row where the target is nonzero and no remaining generator can
 * reach its sign rules the target out. Then phase one of the simplex method (artificial
 * variables, Bland's rule, so it cannot cycle) on what remains.
 *
 * @param spend told of each pivot made; returns false to stop (the answer is then null: refusing is safe)
 * @param excluded indices of generators left out (the atoms of the set being tried)
 * @param index `coneIndex(generators)`, when several targets share the generators
 */
function coneCombination(
  target: ReadonlyMap<number, number>,
  generators: readonly ReadonlyMap<number, number>[],
  spend: (pivots: number) => boolean,
  excluded: ReadonlySet<number> = new Set(),
  index: ConeIndex = coneIndex(generators),
): number[] | null {
  // Which generators touch each row, and with which signs; a generator ruled out leaves every row
  // it touched to be looked at again.
  const alive = generators.map((g, j) => g.size > 0 && !excluded.has(j));
  const { touching } = index;
  const positive = new Map(index.positive);
  const negative = new Map(index.negative);
  const remove = (j: number) => {
    for (const [r, c] of generators[j]!) {
      if (c === 0) continue;
      const signs = c > 0 ? positive : negative;
      signs.set(r, signs.get(r)! - 1);
    }
  };
  for (const j of excluded) if (generators[j] && generators[j]!.size > 0) remove(j);
  const queue = [...new Set([...target.keys(), ...touching.keys()])];
  while (queue.length > 0) {
    const r = queue.pop()!;
    const want = target.get(r) ?? 0;
    const up = positive.get(r) ?? 0;
    const down = negative.get(r) ?? 0;
    if (want > 0 && up === 0) return null;
    if (want < 0 && down === 0) return null;
    if (want !== 0 || up + down === 0 || (up > 0 && down > 0)) continue;
    for (const j of touching.get(r) ?? []) {
      if (!alive[j]) continue;
      alive[j] = false;
      remove(j);
      for (const r2 of generators[j]!.keys()) queue.push(r2);
    }
  }
  const live = generators.flatMap((g, index) => (alive[index] ? [{ g, index }] : []));
  if (target.size === 0) return [];
  const rowKeys = [...new Set([...target.keys(), ...live.flatMap(({ g }) => [...g.keys()])])];
  const m = rowKeys.length;
  const n = live.length;
  // Tableau: m constraint rows over n generators and m artificials, right-hand side last; each row
  // signed so its right-hand side is non-negative.
  const width = n + m + 1;
  const tableau = rowKeys.map((r, i) => {
    const sign = (target.get(r) ?? 0) < 0 ? -1 : 1;
    const row = new Float64Array(width);
    live.forEach(({ g }, j) => (row[j] = sign * (g.get(r) ?? 0)));
    row[n + i] = 1;
    row[width - 1] = sign * (target.get(r) ?? 0);
    return row;
  });
  const basis = rowKeys.map((_, i) => n + i);
  // Phase one minimises the artificials' sum: a generator's reduced cost is minus the sum of its
  // entries in the rows whose basic variable is an artificial. An artificial that leaves stays out.
  for (;;) {
    let entering = -1;
    for (let j = 0; j < n && entering === -1; j += 1) {
      let gain = 0;
      for (let i = 0; i < m; i += 1) if (basis[i]! >= n) gain += tableau[i]![j]!;
      if (gain > EPSILON) entering = j;
    }
    if (entering === -1) break;
    let leaving = -1;
    let best = Infinity;
    for (let i = 0; i < m; i += 1) {
      const a = tableau[i]![entering]!;
      if (a <= EPSILON) continue;
      const ratio = tableau[i]![width - 1]! / a;
      if (ratio < best - EPSILON || (Math.abs(ratio - best) <= EPSILON && basis[i]! < basis[leaving]!)) {
        best = ratio;
        leaving = i;
      }
    }
    // Phase one is bounded below by zero, so some row always limits the step.
    if (leaving === -1) break;
    if (!spend(1)) return null;
    const pivotRow = tableau[leaving]!;
    const scale = pivotRow[entering]!;
    for (let c = 0; c < width; c += 1) pivotRow[c]! /= scale;
    for (let i = 0; i < m; i += 1) {
      if (i === leaving) continue;
      const factor = tableau[i]![entering]!;
      if (factor === 0) continue;
      const row = tableau[i]!;
      for (let c = 0; c < width; c += 1) row[c]! -= factor * pivotRow[c]!;
    }
    basis[leaving] = entering;
  }
  let residual = 0;
  for (let i = 0; i < m; i += 1) if (basis[i]! >= n) residual += tableau[i]![width - 1]!;
  if (residual > 1e-7) return null;
  return basis.flatMap((j, i) => (j < n && tableau[i]![width - 1]! > EPSILON ? [live[j]!.index] : [])).sort((a, b) => a - b);
}

/** An argument whose persuasion figure a release shows (persuasion.ts), with who may name it. */
export interface NamedArgument {
  id: number;
  /** Its author, who may not name it. */
  author: number;
  perspective: string;
  /** The lowest positions row id given after it was posted: an earlier answer cannot name it. */
  fromPositionId: number;
}

/**
 * The people whom the persuasion figures of the releases single out (issue 16, ADR 009). An
 * argument's "changed N minds" is a count over the re-answers that *could* name it: to its
 * perspective, given after it was posted, by someone other than its author (the others are
 * predictably not on it, as an option's bar is over the versions offering it). An answer names
 * at most one argument, so the arguments of a perspective are read together (the eighth review
 * took two arguments' counts apart): per perspective, each re-answer is one unknown (a part of
 * the answer no other figure shows) and each argument's count a row over the re-answers that may
 * name it, tested like option populations: by the linear test (`exposedBySeveralReleases`) and
 * for churn (`exposedByRowChurn`).
 *
 * @returns the exposed person ids, ascending, or null
 */
export function exposedByPersuasion(records: readonly HeldRecord[], releases: readonly ReleaseShape[], named: readonly NamedArgument[], options: EquationOptions): number[] | null {
  const exposed = new Set<number>();
  const none: Breakdown = { shown: [], suppressed: true, reason: "persuasion is not broken down" };
  for (const perspective of new Set(named.map((a) => a.perspective))) {
    const ofPerspective = named.filter((a) => a.perspective === perspective);
    const mayName = (r: HeldRecord, a: NamedArgument) => r.person !== a.author && (r.positionId ?? Number.MAX_SAFE_INTEGER) >= a.fromPositionId;
    // Each re-answer is one unknown (the argument it names, if any: at most one), and each
    // argument's count a row over the re-answers that may name it. Re-answers alike in which
    // arguments they may name form a class, written as the record's version, so each argument's
    // row is a population of classes, as an option's bar is of case versions.
    const classes = new Map<string, number>();
    const eligible = records
      .filter((r) => r.reanswer && r.perspective === perspective)
      .map((r) => {
        const signature = ofPerspective.map((a) => (mayName(r, a) ? "1" : "0")).join("");
        if (!classes.has(signature)) classes.set(signature, classes.size);
        return { ...r, perspective: "moved", standing: "", version: classes.get(signature)!, reanswer: false, signature };
      })
      .filter((r) => r.signature.includes("1"));
    if (eligible.length === 0) continue;
    const populations = ofPerspective.map((a, index) => [...classes].filter(([signature]) => signature[index] === "1").map(([, id]) => id));
    const shapes: ReleaseShape[] = releases.map((release) => {
      const shown = (release.perspectives ?? options.perspectives).includes(perspective);
      return { grouping: none, perspectives: shown ? ["moved"] : [], populations: shown ? { moved: populations } : undefined };
    });
    const settings = { perspectives: ["moved"], gap: false, from: options.from, k: options.k, known: options.known };
    const found = [...(exposedJointly(eligible, shapes, settings) ?? []), ...(exposedByRowChurn(eligible, shapes, { ...settings, firstAnswers: false }) ?? [])];
    for (const person of found) exposed.add(person);
  }
  return exposed.size === 0 ? null : [...exposed].sort((a, b) => a - b);
}

/**
 * `records` grouped by their person, each person's in the order given; added to `into` when given
 * (a person already there gets the new records after theirs).
 */
export function recordsByPerson(records: Iterable<HeldRecord>, into: Map<number, HeldRecord[]> = new Map()): Map<number, HeldRecord[]> {
  for (const record of records) {
    const mine = into.get(record.person);
    if (mine) mine.push(record);
    else into.set(record.person, [record]);
  }
  return into;
}

/**
 * The class of one person's records for `withoutInterchangeableSurplus`: two people with the same
 * class are interchangeable in every test (see there for what it holds).
 *
 * @param records every record of one person, in any order
 * @param named the arguments re-answers may name
 */
export function interchangeabilityClass(records: readonly HeldRecord[], named: readonly NamedArgument[]): string {
  const mine = [...records].sort((a, b) => (a.perspective < b.perspective ? -1 : a.perspective > b.perspective ? 1 : a.from - b.from || (a.positionId ?? 0) - (b.positionId ?? 0)));
  return mine
    .map((r, i) => {
      // Records without a positions row are each their own unknown (`unknownOf`).
      const sameRow = r.positionId === undefined ? i : mine.findIndex((other) => other.positionId === r.positionId);
      const mayName = r.reanswer ? named.map((a) => (a.perspective === r.perspective && (r.positionId ?? Number.MAX_SAFE_INTEGER) >= a.fromPositionId ? "1" : "0")).join("") : "";
      return `${r.perspective}|${r.standing}|${r.version}|${r.reanswer}|${r.from}|${r.until}|${sameRow}|${mayName}`;
    })
    .join("\n");
}

/**
 * The records with the surplus of every class of interchangeable people left out, so the tests
 * cost what a case's variety costs rather than its size (issue #19). Two people are
 * interchangeable when their records are alike in everything the tests read: per record its
 * perspective, standing, case version, re-answer, run (`from`, `until`), which of the person's
 * other records are the same positions row, and for a re-answer which named arguments it may
 * name. Swapping two such people maps every row to itself, so every test treats them alike: the
 * unknowns of a class of k or more people always lie in atoms of k or more people, which no test
 * singles out in part, and no test reports any of them. Keeping k of them (the lowest ids) keeps
 * every atom large and every entering or leaving set at k or more, so each test
 * (`exposedJointly`, `exposedByRowChurn`, `exposedByPersuasion`) returns the same people
 * (tested by properties over random histories and plans: tests/unit/release-equations-review11.test.ts).
 *
 * @param records every record the releases held (`HeldRecord`), in any order
 * @param k the k-threshold
 * @param keepAll people kept whatever their class: those a plan may take (their records change in
 *   it), those taken as known (`EquationOptions.known`) and authors of named arguments
 * @param named the arguments re-answers may name (`exposedByPersuasion`)
 * @returns the kept records, in their order in `records`
 */
export function withoutInterchangeableSurplus(records: readonly HeldRecord[], k: number, keepAll: ReadonlySet<number>, named: readonly NamedArgument[] = []): HeldRecord[] {
  const classes = new Map<string, number[]>();
  for (const [person, mine] of recordsByPerson(records)) {
    if (keepAll.has(person)) continue;
    const signature = interchangeabilityClass(mine, named);
    const members = classes.get(signature);
    if (members) members.push(person);
    else classes.set(signature, [person]);
  }
  const left = new Set<number>();
  for (const members of classes.values()) {
    if (members.length <= k) continue;
    members.sort((a, b) => a - b);
    for (const person of members.slice(k)) left.add(person);
  }
  return left.size === 0 ? [...records] : records.filter((record) => !left.has(record.person));
}

/**
 * Reduced row echelon form of echelon rows (each 1 at its pivot, zeros before it): every pivot
 * column is cleared in the other rows. Modulo PRIME, like `rowEchelon`.
 */
function reduce(rows: { pivot: number; values: number[] }[]): { pivot: number; values: number[] }[] {
  const sorted = [...rows].sort((a, b) => a.pivot - b.pivot);
  for (let i = sorted.length - 1; i >= 0; i -= 1) {
    const { pivot, values } = sorted[i]!;
    for (let j = 0; j < i; j += 1) {
      const other = sorted[j]!.values;
      const factor = other[pivot]!;
      if (factor === 0) continue;
      for (let c = pivot; c < values.length; c += 1) if (values[c] !== 0) other[c] = residueDifference(other[c]!, mulMod(factor, values[c]!));
    }
  }
  return sorted;
}

/** An atom: unknowns touched by exactly the same rows with the same signs, and whose they are. */
interface Atom {
  index: number;
  people: Set<number>;
}

/**
 * The releases' rows over atoms (see the module comment). Rows and atoms are deduplicated, so a
 * row repeated unchanged by later releases counts once.
 *
 * @returns the atoms (column index = position) and the distinct nonzero rows, each a map from
 *   atom index to coefficient
 */
export function releaseEquations(
  records: readonly HeldRecord[],
  releases: readonly ReleaseShape[],
  options: Pick<EquationOptions, "perspectives" | "gap" | "from">,
): { columns: Atom[]; rows: Map<number, number>[] } {
  const from = options.from ?? 0;
  // Records alike in perspective, standing, version, re-answer and run touch the same rows: their
  // entries are worked out once per class. Row keys become small integers.
  const rowIds = new Map<string, number>();
  const rowId = (key: string) => {
    let found = rowIds.get(key);
    if (found === undefined) rowIds.set(key, (found = rowIds.size));
    return found;
  };
  const lookups = releases.map((release) => (release.grouping.suppressed ? null : groupLookup(release.grouping)));
  const entriesById = new Map<string, Map<number, number>>();
  // A release's part of a class's entries, interned by content: a small id per distinct part.
  // Row ids belong to one release each, so a class's entries, as the ids of its parts in release
  // order, are a key that is equal exactly when the entries are (sorting every class's entries
  // into a string was a tenth of a long history's plan).
  const partIds = new Map<string, number>();
  interface ReleasePart {
    own: [number, number][];
    ownId: number;
    shift: [number, number][];
    shiftId: number;
  }
  const partId = (entries: Map<number, number>): number => {
    if (entries.size === 0) return -1;
    const key = [...entries]
      .sort(([x], [y]) => x - y)
      .map(([row, c]) => `${row}=${c}`)
      .join(";");
    let id = partIds.get(key);
    if (id === undefined) partIds.set(key, (id = partIds.size));
    return id;
  };
  // A record's part at release r depends on its perspective, standing, version and re-answer
  // only: worked out once per release and kind (the row ids in the order the rows were first met).
  const partsByKind = new Map<string, (ReleasePart | null)[]>();
  const releasePart = (kind: string, record: HeldRecord, r: number): ReleasePart | null => {
    let perRelease = partsByKind.get(kind);
    if (!perRelease) partsByKind.set(kind, (perRelease = []));
    const known = perRelease[r];
    if (known !== undefined) return known;
    // A release shows the perspectives of the case's version then (all of `options` if unknown).
    const shown = releases[r]!.perspectives ?? options.perspectives;
    if (!shown.includes(record.perspective)) return (perRelease[r] = null);
    const own = new Map<number, number>();
    const shift = new Map<number, number>();
    const gapShown = shown.includes("employee") && shown.includes("employer") && (releases[r]!.perspectives !== undefined || options.gap);
    const group = lookups[r]?.get(record.standing);
    const populations = group === undefined ? ["all"] : ["all", `g${group}`];
    const retired = releases[r]!.retired?.[record.perspective]?.includes(record.version) ?? false;
    const optionPopulations = (releases[r]!.populations?.[record.perspective] ?? []).filter((versions) => versions.includes(record.version));
    for (const population of populations) {
      own.set(rowId(`${r}|${record.perspective}|${population}`), 1);
      if (record.reanswer) {
        own.set(rowId(`${r}|${record.perspective}|${population}|shift`), 1);
        shift.set(rowId(`${r}|${record.perspective}|${population}|shift`), -1);
      }
      if (retired) own.set(rowId(`${r}|${record.perspective}|${population}|v${record.version}`), 1);
      for (const versions of optionPopulations) own.set(rowId(`${r}|${record.perspective}|${population}|${populationKey(versions)}`), 1);
      if (gapShown && (record.perspective === "employee" || record.perspective === "employer")) {
        own.set(rowId(`${r}|gap|${population}`), record.perspective === "employee" ? 1 : -1);
      }
    }
    return (perRelease[r] = { own: [...own], ownId: partId(own), shift: [...shift], shiftId: partId(shift) });
  };
  // The entries of the parts at `releaseParts` (one side of each), interned; the Map is only
  // built for entries not met before.
  const intern = (releaseParts: readonly ReleasePart[], side: "own" | "shift"): string => {
    const ids: number[] = [];
    for (const part of releaseParts) {
      const id = side === "own" ? part.ownId : part.shiftId;
      if (id >= 0) ids.push(id);
    }
    const key = ids.join(",");
    if (!entriesById.has(key)) {
      const entries = new Map<number, number>();
      for (const part of releaseParts) for (const [row, c] of side === "own" ? part.own : part.shift) entries.set(row, c);
      entriesById.set(key, entries);
    }
    return key;
  };
  /** A class's entries: `own` for its records' unknowns; `shift` (re-answers) for the first answers they are compared with, negated. */
  interface ClassEntries {
    own: string;
    shift: string | null;
  }
  const classes = new Map<string, ClassEntries>();
  const classOf = (record: HeldRecord): ClassEntries => {
    const key = `${record.perspective}|${record.standing}|${record.version}|${record.reanswer}|${record.from}|${record.until}`;
    const known = classes.get(key);
    if (known) return known;
    const kind = `${record.perspective}\u0000${record.standing}\u0000${record.version}\u0000${record.reanswer}`;
    const releaseParts: ReleasePart[] = [];
    const last = Math.min(record.until ?? releases.length, releases.length);
    for (let r = Math.max(record.from, from); r < last; r += 1) {
      const part = releasePart(kind, record, r);
      if (part) releaseParts.push(part);
    }
    const made = { own: intern(releaseParts, "own"), shift: record.reanswer ? intern(releaseParts, "shift") : null };
    classes.set(key, made);
    return made;
  };
  // Each unknown as the entries it is made of. Unknowns are records and unreleased first answers;
  // a person's first answer is their first record's unknown when that record was released.
  const parts = new Map<string, { person: number; entries: string[] }>();
  const addPart = (unknown: string, person: number, entries: string) => {
    const own = parts.get(unknown) ?? { person, entries: [] };
    own.entries.push(entries);
    parts.set(unknown, own);
  };
  // The first answer's record: of its runs (the same row held again after a release that did not
  // show the perspective), the earliest, whatever the records' order; runs without a positions row
  // are separate unknowns, and taking the last one met made two people alike in every attribute
  // differ in the equations by the order of their records (eleventh review).
  const firstRecord = new Map<string, { unknown: string; from: number }>();
  records.forEach((record, i) => {
    if (record.reanswer) return;
    const key = `${record.person}:${record.perspective}`;
    const found = firstRecord.get(key);
    if (!found || record.from < found.from) firstRecord.set(key, { unknown: unknownOf(record, i), from: record.from });
  });
  records.forEach((record, i) => {
    const entries = classOf(record);
    addPart(unknownOf(record, i), record.person, entries.own);
    if (entries.shift !== null) addPart(firstRecord.get(`${record.person}:${record.perspective}`)?.unknown ?? `f${record.person}:${record.perspective}`, record.person, entries.shift);
  });
  // Atoms: unknowns made of the same entries (so with identical columns).
  const atoms = new Map<string, { atom: Atom; entries: Map<number, number> }>();
  for (const { person, entries } of parts.values()) {
    const key = entries.length === 1 ? entries[0]! : [...entries].sort().join("+");
    let found = atoms.get(key);
    if (!found) {
      // One part's entries are ±1 each, so its sum is the interned part itself (read only from
      // here on); only a sum of several parts can cancel to zero somewhere.
      let sum: Map<number, number>;
      if (entries.length === 1) sum = entriesById.get(entries[0]!)!;
      else {
        sum = new Map<number, number>();
        for (const part of entries) for (const [row, c] of entriesById.get(part)!) sum.set(row, (sum.get(row) ?? 0) + c);
        for (const [row, c] of sum) if (c === 0) sum.delete(row);
      }
      if (sum.size === 0) continue;
      found = { atom: { index: atoms.size, people: new Set() }, entries: sum };
      atoms.set(key, found);
    }
    found.atom.people.add(person);
  }
  // Each row's entries by atom, the rows in the order first met (row ids are dense, so an array
  // indexes them).
  const byRowId: (Map<number, number> | undefined)[] = new Array(rowIds.size);
  const byRow: Map<number, number>[] = [];
  for (const { atom, entries } of atoms.values()) {
    for (const [row, c] of entries) {
      let own = byRowId[row];
      if (!own) byRow.push((byRowId[row] = own = new Map<number, number>()));
      own.set(atom.index, c);
    }
  }
  // Rows without repeats, in the order first met. Each row's entries are in column order (the
  // atoms were visited in index order), so equal rows list equal entries: a hash of them finds
  // the candidates, and a comparison decides.
  const distinct: Map<number, number>[] = [];
  const byHash = new Map<number, Map<number, number>[]>();
  for (const row of byRow) {
    let hash = row.size;
    for (const [column, c] of row) hash = Math.imul(hash ^ column, 0x9e3779b1) ^ c;
    const alike = byHash.get(hash);
    if (alike?.some((other) => sameEntries(other, row))) continue;
    if (alike) alike.push(row);
    else byHash.set(hash, [row]);
    distinct.push(row);
  }
  return { columns: [...atoms.values()].map((a) => a.atom), rows: distinct };
}

/** Whether two rows have the same entries in the same order. */
function sameEntries(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): boolean {
  if (a.size !== b.size) return false;
  const other = b.entries();
  for (const [column, c] of a) {
    const [otherColumn, otherC] = other.next().value as [number, number];
    if (column !== otherColumn || c !== otherC) return false;
  }
  return true;
}

/** (a · b) mod PRIME, exact for residues below 2^26. */
const mulMod = (a: number, b: number) => (a * b) % PRIME;
const toResidue = (x: number) => (x >= 0 && x < PRIME ? x : ((x % PRIME) + PRIME) % PRIME);
/** (a − b) mod PRIME for residues a and b, without a division (the elimination's inner step). */
const residueDifference = (a: number, b: number) => (a >= b ? a - b : a - b + PRIME);

/** a^(PRIME−2) mod PRIME: the inverse of a nonzero residue (Fermat). */
function inverse(a: number): number {
  let result = 1;
  let base = a;
  for (let e = PRIME - 2; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) result = mulMod(result, base);
    base = mulMod(base, base);
  }
  return result;
}

/**
 * A row echelon form of an integer matrix modulo PRIME (exact; the rank modulo a prime this large
 * equals the rank over the rationals except when the prime divides every maximal minor, which
 * for coefficients of ±1 and a few thousand rows does not happen in practice).
 *
 * @param rows integer rows of length `width`, reduced in place (the callers build them for this)
 * @returns the nonzero echelon rows, each with its pivot column, in pivot order (the values are
 *   the rows' own residues, not copies: a long history's plan spent a tenth of its time copying them)
 */
function rowEchelon(rows: readonly Float64Array[], width: number): { pivot: number; values: Float64Array }[] {
  const basis: { pivot: number; values: Float64Array }[] = [];
  // Pivot rows by pivot column, with the columns where each is nonzero (rows are sparse).
  const byPivot = new Map<number, { values: Float64Array; nonzero: Int32Array }>();
  for (const source of rows) {
    // As residues; most entries are 0, so only the others are reduced (a call per entry was a
    // tenth of a long history's plan).
    const row = source;
    for (let c = 0; c < width; c += 1) if (row[c] !== 0) row[c] = toResidue(row[c]!);
    for (let c = 0; c < width; c += 1) {
      if (row[c] === 0) continue;
      const pivotRow = byPivot.get(c);
      if (!pivotRow) {
        const scale = inverse(row[c]!);
        const nonzero: number[] = [];
        for (let j = c; j < width; j += 1) {
          if (row[j] === 0) continue;
          row[j] = mulMod(row[j]!, scale);
          nonzero.push(j);
        }
        byPivot.set(c, { values: row, nonzero: Int32Array.from(nonzero) });
        basis.push({ pivot: c, values: row });
        break;
      }
      const factor = row[c]!;
      for (const j of pivotRow.nonzero) row[j] = residueDifference(row[j]!, mulMod(factor, pivotRow.values[j]!));
    }
  }
  return basis.sort((a, b) => a.pivot - b.pivot);
}
