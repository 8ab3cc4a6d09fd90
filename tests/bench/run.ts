/**
 * `npm run bench`: performance figures printed as numbers and ratios. Benchmarks arrive with
 * the features they measure (results-page loader, workshop fan-out, page throughput).
 */
console.log("no benchmarks yet");
