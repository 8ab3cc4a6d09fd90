/**
 * `npm run bench`: performance figures measured in one run, printed as numbers and as ratios
 * against a baseline from the same run. Set BENCH_SIZES=10000,100000 to choose the sizes.
 */
import { cpus, totalmem } from "node:os";
import { benchResultsLoader } from "./results-loader";

const sizes = (process.env.BENCH_SIZES ?? "10000,100000,1000000").split(",").map(Number);

console.log(`Casebook benchmarks, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
console.log("");
console.log("Results-page loader (SQLite, one case, grouped queries over current positions)");
const timings = await benchResultsLoader(sizes);
const baseline = timings[0]!;
console.log(["positions".padStart(10), "median ms".padStart(10), "p95 ms".padStart(8), `× ${baseline.positions.toLocaleString("en")}`.padStart(14)].join("  "));
for (const t of timings) {
  console.log(
    [
      t.positions.toLocaleString("en").padStart(10),
      t.medianMs.toFixed(1).padStart(10),
      t.p95Ms.toFixed(1).padStart(8),
      `${(t.medianMs / baseline.medianMs).toFixed(1)}×`.padStart(14),
    ].join("  "),
  );
}
