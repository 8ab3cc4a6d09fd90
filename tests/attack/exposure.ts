/**
 * Which people a system of released sums singles out: the joint test of the online reference
 * model (onlineReference in online.ts), written for small scenarios (a dozen people at most) and
 * kept independent of the app's own solver.
 *
 * A release shows sums of hidden unknowns (answers). An attacker who reads every release can add
 * and subtract what they read: every linear combination of the rows. A set T of people is
 * *exposed* when some combination is nonzero and touches only T's unknowns, i.e. removing T's
 * columns lowers the matrix's rank.
 */

/** One shown sum: unknown → coefficient (absent unknowns weigh 0). */
export type Row = Map<string, number>;

/**
 * Arithmetic is exact, modulo this prime: products of two residues stay below 2^53, so plain
 * numbers do. A rank modulo a prime this large differs from the rank over the rationals only if
 * the prime divides every maximal minor, which for matrices of small integers never happens here.
 */
const PRIME = 1_000_003;

const mod = (a: number) => ((a % PRIME) + PRIME) % PRIME;

function inverse(a: number): number {
  // Fermat: a^(p−2) ≡ a^−1 (mod p), by repeated squaring.
  let result = 1;
  let base = mod(a);
  for (let e = PRIME - 2; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) result = (result * base) % PRIME;
    base = (base * base) % PRIME;
  }
  return result;
}

/**
 * Reduced row echelon form of `matrix` (rows of residues), in place of a copy: the nonzero rows,
 * each with a leading 1 in its pivot column and 0 in every other row's pivot column.
 */
function reduce(matrix: number[][], width: number): { rows: number[][]; pivots: number[] } {
  const rows = matrix.map((r) => r.map(mod));
  const pivots: number[] = [];
  let top = 0;
  for (let c = 0; c < width && top < rows.length; c += 1) {
    const at = rows.findIndex((row, i) => i >= top && row[c] !== 0);
    if (at < 0) continue;
    [rows[top], rows[at]] = [rows[at]!, rows[top]!];
    const lead = inverse(rows[top]![c]!);
    rows[top] = rows[top]!.map((v) => (v * lead) % PRIME);
    for (const [i, row] of rows.entries()) {
      if (i === top || row[c] === 0) continue;
      const f = row[c]!;
      for (let j = 0; j < width; j += 1) row[j] = mod(row[j]! - f * rows[top]![j]!);
    }
    pivots.push(c);
    top += 1;
  }
  return { rows: rows.slice(0, top), pivots };
}

/** Rank of a small matrix of residues. */
function rankOf(matrix: number[][], width: number): number {
  return reduce(matrix, width).pivots.length;
}

/** Every subset of `items` with exactly `size` members, in order. */
function subsetsOfSize<T>(items: T[], size: number): T[][] {
  if (size === 0) return [[]];
  return items.flatMap((item, i) => subsetsOfSize(items.slice(i + 1), size - 1).map((rest) => [item, ...rest]));
}

/**
 * The people `rows` expose: the union of every minimal exposed set of 1 to k − 1 people (exposed,
 * with no exposed proper subset), or an empty set when none is exposed.
 *
 * `owner(unknown)` names the person an unknown belongs to. Works by brute force over the sets of
 * people, with one shortcut: rather than eliminate again for each set T, it uses the null space
 * N of the rows (every x with rows · x = 0). A vector supported on T's columns is a combination
 * of rows exactly when it is orthogonal to N, so T is exposed exactly when N's entries in T's
 * columns have a rank below the number of those columns.
 */
export function exposure(rows: Row[], owner: (unknown: string) => string, k: number): Set<string> {
  const columns = [...new Set(rows.flatMap((row) => [...row].filter(([, v]) => v !== 0).map(([u]) => u)))].sort();
  const index = new Map(columns.map((u, c) => [u, c]));
  const matrix = rows.map((row) => {
    const dense = Array<number>(columns.length).fill(0);
    for (const [u, v] of row) if (v !== 0) dense[index.get(u)!] = v;
    return dense;
  });
  const { rows: echelon, pivots } = reduce(matrix, columns.length);
  // Null space: one vector per free column f (x_f = 1, each pivot variable solved from its row).
  const free = columns.map((_, c) => c).filter((c) => !pivots.includes(c));
  const nullSpace = free.map((f) => {
    const x = Array<number>(columns.length).fill(0);
    x[f] = 1;
    for (const [i, p] of pivots.entries()) x[p] = mod(-echelon[i]![f]!);
    return x;
  });

  const columnsOf = new Map<string, number[]>();
  for (const [c, u] of columns.entries()) columnsOf.set(owner(u), [...(columnsOf.get(owner(u)) ?? []), c]);
  const people = [...columnsOf.keys()].sort();
  const isExposed = (T: string[]) => {
    const cols = T.flatMap((p) => columnsOf.get(p)!);
    // N restricted to T's columns: one row per column, one entry per null vector.
    const restricted = cols.map((c) => nullSpace.map((x) => x[c]!));
    return rankOf(restricted, nullSpace.length) < cols.length;
  };

  const minimal: string[][] = [];
  for (let size = 1; size < k; size += 1) {
    for (const T of subsetsOfSize(people, size)) {
      if (minimal.some((m) => m.every((p) => T.includes(p)))) continue;
      if (isExposed(T)) minimal.push(T);
    }
  }
  return new Set(minimal.flat());
}
