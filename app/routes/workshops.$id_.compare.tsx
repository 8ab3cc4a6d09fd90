import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { TableScroll } from "~/components/table-scroll";
import { readConfig } from "~/platform/config.server";
import { db } from "~/platform/db.server";
import { comparisonLine, finalRound } from "~/domain/comparison";
import { listWorkshops } from "~/models/workshops.server";
import { caseWorkshopTallies } from "~/models/workshop-tallies.server";
import { caseVisibility } from "~/domain/permissions";
import { foldResultRows } from "~/domain/case-results";
import { findCaseStatus, findCaseVersionDocument } from "~/models/cases.server";
import { currentRelease } from "~/models/result-releases.server";
import { requireWorkshopFacilitator } from "~/workshops/access.server";
import { formatPercent } from "~/domain/format";
import { isolate } from "~/domain/bidi";

export const meta: MetaFunction = () => [{ title: "Compare · Workshop · Casebook" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, workshop } = await requireWorkshopFacilitator(request, params.id);
  const k = readConfig().kThreshold;
  const doc = await findCaseVersionDocument(db(), workshop.caseVersionId);
  // The room is the facilitator's own; the online debate's results follow the case's visibility (a case archived since shows none).
  const status = await findCaseStatus(db(), workshop.caseId);
  const showOnline = status !== undefined && caseVisibility(status, user.role).results;
  const [workshopRows, asyncCells, siblings] = await Promise.all([
    caseWorkshopTallies(db(), workshop.caseId),
    showOnline ? currentRelease(db(), workshop.caseId, k).then((released) => (released ? foldResultRows(released.rows).cells : [])) : Promise.resolve([]),
    listWorkshops(db(), { caseId: workshop.caseId }),
  ]);
  const perspectives = doc.perspectives.filter((p) => workshop.perspectives.includes(p.key));
  return {
    title: workshop.title,
    workshopId: workshop.id,
    caseTitle: doc.title,
    k,
    perspectives: perspectives.map((p) => {
      const mine = finalRound(workshopRows.filter((r) => r.workshopId === workshop.id && r.perspective === p.key));
      // Other rooms only once they have ended: a running room's line would move with each vote,
      // in front of a facilitator outside the room, even before that room has seen anything (ADR 009).
      const others = siblings
        .filter((w) => w.id !== workshop.id && w.stage === "ended")
        .map((w) => comparisonLine(`${isolate(w.title)} (${w.createdAt.slice(0, 10)})`, p.options, finalRound(workshopRows.filter((r) => r.workshopId === w.id && r.perspective === p.key)), k))
        .filter((line) => line.respondents > 0);
      return {
        key: p.key,
        options: p.options,
        lines: [
          // Withheld below k like any other line: the room's own tallies are withheld there too (ADR 009).
          comparisonLine("This workshop", p.options, mine, k),
          ...(showOnline
            ? [
                comparisonLine(
                  "Everyone online (async debate)",
                  p.options,
                  asyncCells.filter((c) => c.perspective === p.key),
                  k,
                ),
              ]
            : []),
          ...others,
        ],
      };
    }),
  };
}

export default function Compare() {
  const data = useLoaderData<typeof loader>();
  return (
    <>
      <p className="muted">
        <Link to={`/workshops/${data.workshopId}`}>Back to the control panel</Link>
      </p>
      <h1>
        Compare: <bdi>{data.title}</bdi>
      </h1>
      <p>
        How this room answered{" "}
        <strong>
          <bdi>{data.caseTitle}</bdi>
        </strong>{" "}
        beside everyone who debated it online and other workshops on the same case that have ended. Workshops count their final round. Groups under {data.k} people show only their size.
      </p>
      {data.perspectives.map((p) => (
        <section key={p.key} aria-labelledby={`compare-${p.key}`}>
          <h2 id={`compare-${p.key}`}>As the {p.key}</h2>
          <TableScroll label={`Compare, as the ${p.key}`}>
            <table>
              <thead>
                <tr>
                  <th scope="col">Group</th>
                  <th scope="col">People</th>
                  {p.options.map((o) => (
                    <th key={o.id} scope="col">
                      <bdi>{o.text}</bdi>
                    </th>
                  ))}
                  <th scope="col">Average judgement</th>
                </tr>
              </thead>
              <tbody>
                {p.lines.map((line) => (
                  <tr key={line.label}>
                    <th scope="row">{line.label}</th>
                    <td>{line.respondents}</td>
                    {line.shares
                      ? line.shares.map((share, i) => <td key={i}>{formatPercent(share, 1)}</td>)
                      : p.options.map((o) => <td key={o.id}>{line.respondents === 0 ? "—" : `fewer than ${data.k}`}</td>)}
                    <td>{line.meanJudgement === null ? "—" : (Math.round(line.meanJudgement * 10) / 10).toString()}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </section>
      ))}
    </>
  );
}
