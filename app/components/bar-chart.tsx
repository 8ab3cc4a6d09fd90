import { formatPercent } from "~/domain/format";
import { TableScroll } from "./table-scroll";

export interface BarRow {
  label: string;
  count: number;
  note?: string;
}

interface Props {
  title: string;
  rows: BarRow[];
  /** What a count is a count of, for the table header ("people"). */
  unit?: string;
}

/** A small horizontal bar chart drawn as SVG, with the same numbers in a table beside it. */
export function BarChart({ title, rows, unit = "people" }: Props) {
  const total = rows.reduce((sum, r) => sum + r.count, 0);
  const max = Math.max(1, ...rows.map((r) => r.count));
  const summary = rows.map((r) => `${r.label}: ${r.count}`).join("; ");
  // Labels and numbers are HTML so they wrap and keep their size; each bar is a stretchable SVG.
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div className="bars" role="img" aria-label={`${title}. ${summary}`}>
        {rows.map((row) => (
          <div className="bar-row" key={row.label} aria-hidden="true">
            <bdi className="bar-label">{row.label}</bdi>
            <svg className="bar" viewBox="0 0 100 10" preserveAspectRatio="none" focusable="false">
              <rect x="0" y="0" height="10" width={row.count === 0 ? 0 : Math.max((row.count / max) * 100, 1)} rx="1" className="chart-bar" />
            </svg>
            <span className="bar-value">
              {row.count} ({formatPercent(row.count, total)})
            </span>
          </div>
        ))}
      </div>
      <details>
        <summary>Show as a table</summary>
        <TableScroll label={title}>
          <table>
            <thead>
              <tr>
                <th scope="col">Answer</th>
                <th scope="col">{unit[0]!.toUpperCase() + unit.slice(1)}</th>
                <th scope="col">Share</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.label}>
                  <th scope="row">
                    <bdi>{row.label}</bdi>
                    {row.note ? <span className="muted"> ({row.note})</span> : null}
                  </th>
                  <td>{row.count}</td>
                  <td>{formatPercent(row.count, total)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </details>
    </figure>
  );
}
