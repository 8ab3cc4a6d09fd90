/** Small weighted helpers shared by the aggregations. */

export function sum<T>(items: T[], count: (item: T) => number): number {
  return items.reduce((total, item) => total + count(item), 0);
}

/** Weighted mean; 0 when there is nothing to average. */
export function mean<T>(items: T[], value: (item: T) => number, weight: (item: T) => number): number {
  const n = sum(items, weight);
  return n === 0 ? 0 : sum(items, (i) => value(i) * weight(i)) / n;
}
