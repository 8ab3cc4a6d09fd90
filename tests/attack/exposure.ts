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

/**
 * The people whom `rows` single out by bounds (ADR 009, "Bars are counts: bounds across rows"),
 * for the reference model, kept independent of the app's simplex: an answer is a count vector,
 * so a combination of rows positive only on the unknowns of 1 to k − 1 people and nowhere
 * positive on anyone else gives, where its value is positive, a bar those people hold. Unknowns
 * touched by exactly the same rows with the same coefficients form an atom (with its people). By
 * Farkas' lemma such a combination, positive on atom t, exists exactly when t's column is not a
 * non-negative combination (a cone) of the columns of the atoms outside its positive support.
 * So for each atom t of fewer than k people, every set P of fewer than k people holding t's is
 * tried, smallest first, with the atoms whose people are all in P left out: P is exposed when t
 * is outside the cone of the rest, and the people of the minimal exposed sets are exposed. Here
 * by brute force over the sets of people (scenarios hold a dozen people at most), and the cone
 * test is non-negative least squares (Lawson and Hanson's active-set method), in floating point
 * on these small systems: inside when the residual vanishes.
 *
 * @returns the exposed people (empty when none): the union of the minimal exposed sets per atom
 */
export function boundsExposure(rows: Row[], owner: (unknown: string) => string, k: number): Set<string> {
  // Each unknown's column: which rows touch it with what coefficient.
  const columns = new Map<string, Map<number, number>>();
  rows.forEach((row, r) => {
    for (const [unknown, c] of row) {
      if (c === 0) continue;
      const column = columns.get(unknown) ?? new Map<number, number>();
      column.set(r, (column.get(r) ?? 0) + c);
      columns.set(unknown, column);
    }
  });
  const atoms = new Map<string, { column: Map<number, number>; people: Set<string> }>();
  for (const [unknown, column] of columns) {
    const entries = [...column].filter(([, c]) => c !== 0).sort(([a], [b]) => a - b);
    if (entries.length === 0) continue;
    const key = entries.map(([r, c]) => `${r}:${c}`).join(",");
    const atom = atoms.get(key) ?? { column: new Map(entries), people: new Set<string>() };
    atom.people.add(owner(unknown));
    atoms.set(key, atom);
  }
  const everyone = [...new Set([...atoms.values()].flatMap((a) => [...a.people]))].sort();
  const exposed = new Set<string>();
  for (const atom of atoms.values()) {
    if (atom.people.size >= k) continue;
    const others = everyone.filter((p) => !atom.people.has(p));
    // Sets P ⊇ t's people with fewer than k people, smallest first; an exposed P holding an
    // exposed set found before is not minimal.
    const minimal: Set<string>[] = [];
    for (let extra = 0; atom.people.size + extra < k; extra += 1) {
      for (const added of subsetsOfSize(others, extra)) {
        const P = new Set([...atom.people, ...added]);
        if (minimal.some((set) => [...set].every((p) => P.has(p)))) continue;
        const rest = [...atoms.values()].filter((a) => ![...a.people].every((p) => P.has(p)));
        if (
          !nonNegativeCombination(
            atom.column,
            rest.map((a) => a.column),
            rows.length,
          )
        )
          minimal.push(P);
      }
    }
    for (const set of minimal) for (const person of set) exposed.add(person);
  }
  return exposed;
}

/** Whether `target` = Σ μ_j generators_j for some μ ≥ 0 (Lawson–Hanson NNLS; residual below 1e-6). */
function nonNegativeCombination(target: Map<number, number>, generators: Map<number, number>[], height: number): boolean {
  const a = Array.from({ length: height }, (_, r) => target.get(r) ?? 0);
  const B = generators.map((g) => Array.from({ length: height }, (_, r) => g.get(r) ?? 0));
  const n = B.length;
  const x = new Array<number>(n).fill(0);
  const passive = new Set<number>();
  const residual = () => a.map((v, r) => v - B.reduce((sum, column, j) => sum + column[r]! * x[j]!, 0));
  const gradient = () => {
    const res = residual();
    return B.map((column) => column.reduce((sum, v, r) => sum + v * res[r]!, 0));
  };
  /** Least squares over the passive columns (normal equations, Gaussian elimination with partial pivoting). */
  const leastSquares = (set: number[]): number[] => {
    const m = set.length;
    const M = set.map((i) => [...set.map((j) => B[i]!.reduce((s, v, r) => s + v * B[j]![r]!, 0)), B[i]!.reduce((s, v, r) => s + v * a[r]!, 0)]);
    for (let c = 0; c < m; c += 1) {
      let p = c;
      for (let i = c + 1; i < m; i += 1) if (Math.abs(M[i]![c]!) > Math.abs(M[p]![c]!)) p = i;
      [M[c], M[p]] = [M[p]!, M[c]!];
      if (Math.abs(M[c]![c]!) < 1e-12) continue;
      for (let i = 0; i < m; i += 1) {
        if (i === c) continue;
        const f = M[i]![c]! / M[c]![c]!;
        for (let j = c; j <= m; j += 1) M[i]![j]! -= f * M[c]![j]!;
      }
    }
    return M.map((row, i) => (Math.abs(row[i]!) < 1e-12 ? 0 : row[m]! / row[i]!));
  };
  for (let outer = 0; outer < 10 * (n + 1); outer += 1) {
    const w = gradient();
    let best = -1;
    for (let j = 0; j < n; j += 1) if (!passive.has(j) && w[j]! > 1e-9 && (best === -1 || w[j]! > w[best]!)) best = j;
    if (best === -1) break;
    passive.add(best);
    for (let inner = 0; inner < 10 * (n + 1); inner += 1) {
      const set = [...passive];
      const s = leastSquares(set);
      if (s.every((v) => v > 1e-12)) {
        x.fill(0);
        set.forEach((j, i) => (x[j] = s[i]!));
        break;
      }
      let alpha = Infinity;
      set.forEach((j, i) => {
        if (s[i]! <= 1e-12) alpha = Math.min(alpha, x[j]! / (x[j]! - s[i]!));
      });
      set.forEach((j, i) => (x[j] = x[j]! + alpha * (s[i]! - x[j]!)));
      for (const j of set) {
        if (x[j]! > 1e-12) continue;
        passive.delete(j);
        x[j] = 0;
      }
    }
  }
  return residual().every((v) => Math.abs(v) < 1e-6);
}
