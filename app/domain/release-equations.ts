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
 * re-answer minus the first answer); the bars of answers given on a retired case version; the
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
}

/** What one release showed, beyond its records: its grouping and the case versions then retired. */
export interface ReleaseShape {
  grouping: Breakdown;
  /** Per perspective, the case versions whose answers showed as options "no longer offered". */
  retired?: Readonly<Record<string, readonly number[]>>;
}

export interface EquationOptions {
  /** The case's perspective keys. */
  perspectives: readonly string[];
  /** Whether the empathy gap (employee minus employer) is shown. */
  gap: boolean;
  /** The first release whose rows count (earlier ones are checked by the older pairwise rule). */
  from?: number;
  k: number;
}

/** Past this many sets of people to try, everyone in a touched small atom counts as exposed (refusing is always safe). */
const MAX_SETS_TRIED = 20_000;
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
  if (rows.length === 0) return null;
  const large = columns.filter((c) => c.people.size >= options.k).map((c) => c.index);
  const small = columns.filter((c) => c.people.size < options.k).map((c) => c.index);
  if (small.length === 0) return null;
  // Combinations that are zero on every large atom: the echelon rows whose pivot is a small atom.
  const order = [...large, ...small];
  const echelon = rowEchelon(
    rows.map((row) => order.map((column) => row.get(column) ?? 0)),
    order.length,
  );
  const smallBasis = echelon.filter((r) => r.pivot >= large.length).map((r) => r.values.slice(large.length));
  if (smallBasis.length === 0) return null;
  const touched = small.map((column, i) => ({ i, column })).filter(({ i }) => smallBasis.some((row) => row[i] !== 0));
  const rank = smallBasis.length;

  // Every set of people that touched small atoms can make, under k people; each is exposed when
  // removing the atoms lying wholly within it lowers the rank. The answer is the union of the
  // minimal exposed sets: the people some isolating combination is nonzero on, whatever order
  // the sets are found in.
  const peopleSets = new Map<string, number[]>();
  let overBudget = false;
  const grow = (start: number, people: ReadonlySet<number>) => {
    if (overBudget) return;
    if (people.size > 0) {
      const sorted = [...people].sort((x, y) => x - y);
      peopleSets.set(sorted.join(","), sorted);
      if (peopleSets.size > MAX_SETS_TRIED) overBudget = true;
    }
    for (let t = start; t < touched.length; t += 1) {
      const more = new Set([...people, ...columns[touched[t]!.column]!.people]);
      if (more.size < options.k) grow(t + 1, more);
    }
  };
  grow(0, new Set());
  if (overBudget) return [...new Set(touched.flatMap(({ column }) => [...columns[column]!.people]))].sort((x, y) => x - y);
  const exposedSets = [...peopleSets.values()].filter((people) => {
    const within = new Set(people);
    const removed = new Set(touched.filter(({ column }) => [...columns[column]!.people].every((p) => within.has(p))).map(({ i }) => i));
    const rest = smallBasis.map((row) => row.filter((_, i) => !removed.has(i)));
    return rowEchelon(rest, rest[0]!.length).length < rank;
  });
  if (exposedSets.length === 0) return null;
  const isSubset = (a: number[], b: number[]) => a.length < b.length && a.every((p) => b.includes(p));
  const minimal = exposedSets.filter((set) => !exposedSets.some((other) => isSubset(other, set)));
  return [...new Set(minimal.flat())].sort((x, y) => x - y);
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
  // Each unknown's entries: row key → coefficient. Unknowns are records and unreleased first answers.
  const entries = new Map<string, { person: number; rows: Map<string, number> }>();
  const add = (unknown: string, person: number, row: string, coefficient: number) => {
    const own = entries.get(unknown) ?? { person, rows: new Map<string, number>() };
    own.rows.set(row, (own.rows.get(row) ?? 0) + coefficient);
    entries.set(unknown, own);
  };
  // A person's first answer is their first record's unknown when that record was released.
  const firstRecord = new Map<string, string>();
  records.forEach((record, i) => {
    if (!record.reanswer) firstRecord.set(`${record.person}:${record.perspective}`, `r${i}`);
  });
  const lookups = releases.map((release) => (release.grouping.suppressed ? null : groupLookup(release.grouping)));
  records.forEach((record, i) => {
    if (!options.perspectives.includes(record.perspective)) return;
    const unknown = `r${i}`;
    const first = firstRecord.get(`${record.person}:${record.perspective}`) ?? `f${record.person}:${record.perspective}`;
    const last = Math.min(record.until ?? releases.length, releases.length);
    for (let r = Math.max(record.from, from); r < last; r += 1) {
      const group = lookups[r]?.get(record.standing);
      const populations = group === undefined ? ["all"] : ["all", `g${group}`];
      const retired = releases[r]!.retired?.[record.perspective]?.includes(record.version) ?? false;
      for (const population of populations) {
        add(unknown, record.person, `${r}|${record.perspective}|${population}`, 1);
        if (record.reanswer) {
          add(unknown, record.person, `${r}|${record.perspective}|${population}|shift`, 1);
          add(first, record.person, `${r}|${record.perspective}|${population}|shift`, -1);
        }
        if (retired) add(unknown, record.person, `${r}|${record.perspective}|${population}|v${record.version}`, 1);
        if (options.gap && (record.perspective === "employee" || record.perspective === "employer")) {
          add(unknown, record.person, `${r}|gap|${population}`, record.perspective === "employee" ? 1 : -1);
        }
      }
    }
  });
  // Atoms: unknowns with identical entries.
  const atomOf = new Map<string, Atom>();
  const atomRows = new Map<string, Map<string, number>>();
  for (const { person, rows } of entries.values()) {
    const nonzero = [...rows].filter(([, c]) => c !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (nonzero.length === 0) continue;
    const signature = nonzero.map(([row, c]) => `${row}=${c}`).join(";");
    let atom = atomOf.get(signature);
    if (!atom) {
      atom = { index: atomOf.size, people: new Set() };
      atomOf.set(signature, atom);
      atomRows.set(signature, new Map(nonzero));
    }
    atom.people.add(person);
  }
  const byRow = new Map<string, Map<number, number>>();
  for (const [signature, atom] of atomOf) {
    for (const [row, c] of atomRows.get(signature)!) {
      const own = byRow.get(row) ?? new Map<number, number>();
      own.set(atom.index, c);
      byRow.set(row, own);
    }
  }
  const distinct = new Map<string, Map<number, number>>();
  for (const row of byRow.values()) {
    const key = [...row].sort(([a], [b]) => a - b).map(([column, c]) => `${column}=${c}`).join(";");
    distinct.set(key, row);
  }
  return { columns: [...atomOf.values()], rows: [...distinct.values()] };
}

/** (a · b) mod PRIME, exact for residues below 2^26. */
const mulMod = (a: number, b: number) => (a * b) % PRIME;
const toResidue = (x: number) => ((x % PRIME) + PRIME) % PRIME;

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
 * @param rows integer rows of length `width`
 * @returns the nonzero echelon rows, each with its pivot column, in pivot order
 */
function rowEchelon(rows: readonly (readonly number[])[], width: number): { pivot: number; values: number[] }[] {
  const pending = rows.map((row) => row.map(toResidue));
  const basis: { pivot: number; values: number[] }[] = [];
  const byPivot = new Map<number, number[]>();
  for (const row of pending) {
    // Reduce against the basis so far, column by column.
    for (let c = 0; c < width; c += 1) {
      if (row[c] === 0) continue;
      const pivotRow = byPivot.get(c);
      if (!pivotRow) {
        const scale = inverse(row[c]!);
        for (let j = c; j < width; j += 1) row[j] = mulMod(row[j]!, scale);
        byPivot.set(c, row);
        basis.push({ pivot: c, values: row });
        break;
      }
      const factor = row[c]!;
      for (let j = c; j < width; j += 1) if (pivotRow[j] !== 0) row[j] = toResidue(row[j]! - mulMod(factor, pivotRow[j]!));
    }
  }
  return basis.sort((a, b) => a.pivot - b.pivot);
}
