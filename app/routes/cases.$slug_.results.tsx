import type { ReactNode } from "react";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { loadCaseForAccount } from "~/cases/access.server";
import { loadCaseResults } from "~/cases/results.server";
import { BarChart } from "~/components/bar-chart";
import { TableScroll } from "~/components/table-scroll";
import { db } from "~/platform/db.server";
import { groupLabel, LEAN_LABELS } from "~/domain/case-results";
import { can, STANDING_LABELS } from "~/domain/permissions";
import { judgementLabel, LEGAL_LABELS, SIDE_LABELS, SIDES, type Side } from "~/domain/scales";
import { answeredPerspectives } from "~/models/positions.server";
import { countOf, formatSigned, formatSignedPoints } from "~/domain/format";
import { changedMindsLabel } from "~/domain/persuasion";
import { isolate } from "~/domain/bidi";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Results: ${isolate(data.title)} · Casebook` : "Results · Casebook" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, found } = await loadCaseForAccount(request, params.slug, "results");
  const answered = await answeredPerspectives(db(), user.id, found.id);
  const missing = found.doc.perspectives.map((p) => p.key).filter((key) => !answered.has(key));
  const base = { slug: found.slug, title: found.doc.title, judgement: found.doc.judgement };
  // Withheld by the server until the person has answered: hiding with CSS is not hiding.
  if (missing.length > 0 && !can(user.role, "results.read-without-answering")) {
    return { ...base, locked: true as const, missing };
  }
  return { ...base, locked: false as const, results: await loadCaseResults(found) };
}

export default function Results() {
  const data = useLoaderData<typeof loader>();
  if (data.locked) {
    return (
      <>
        <h1>
          Where people stand: <bdi>{data.title}</bdi>
        </h1>
        <p className="notice">Results are shown once you have answered every perspective, so they cannot sway your own answer. Still to answer: as the {data.missing.join(" and as the ")}.</p>
        <p>
          <Link to={`/cases/${data.slug}#positions`} className="button">
            Answer the case
          </Link>
        </p>
      </>
    );
  }
  const { results } = data;
  return (
    <>
      <p className="muted">
        <Link to={`/cases/${data.slug}`}>Back to the case</Link>
      </p>
      <h1>
        Where people stand: <bdi>{data.title}</bdi>
      </h1>
      <p className="muted">Totals only. No group smaller than {results.k} people is broken down: smaller groups are merged, so no one&apos;s answer can be picked out.</p>
      {results.released ? (
        <p className="muted" data-testid="release-note">
          Results as released on <time dateTime={results.released.at}>{results.released.at.slice(0, 16).replace("T", " at ")} UTC</time>, counting{" "}
          {countOf(results.released.people, "person", "people")}. They change only in steps where every figure shown (each perspective, each group, the change of mind) moves by none or at least{" "}
          {results.k} people&apos;s answers, so no one&apos;s answer or change of mind shows up on its own.
          {results.released.waiting ? " Some answers given since are waiting for enough others in their group; yours may be one of them." : " Yours may not be counted yet."}
        </p>
      ) : (
        <p className="notice" data-testid="release-note">
          Results appear once at least {results.k} people have answered this case.
        </p>
      )}
      {results.versions ? (
        <p className="notice" role="note">
          Answers were given on version{results.versions.spanned.length > 1 ? "s" : ""} {results.versions.spanned.join(", ")} of this case; it is now at version {results.versions.current}. A reworded
          or moved option counts as the same option; options removed since keep their votes and are marked &ldquo;option no longer offered&rdquo;.
        </p>
      ) : null}
      {results.movedSinceFirst.length > 0 ? (
        <p data-testid="moved-since-first">
          {results.movedSinceFirst.every((m) => !m.moved)
            ? "Judgements are as people first gave them."
            : `Since people first answered, the average judgement ${results.movedSinceFirst
                .map((m) => `as the ${m.key} went from ${formatSigned(m.first)} to ${formatSigned(m.now)}`)
                .join("; ")} (see each perspective below).`}
        </p>
      ) : null}

      {results.perspectives.map((p) => (
        <section key={p.key} className="results-perspective" aria-labelledby={`results-${p.key}`}>
          <h2 id={`results-${p.key}`}>As the {p.key}</h2>
          <p className="muted">
            <bdi>{p.prompt}</bdi> · {p.respondents} {p.respondents === 1 ? "person" : "people"} answered
          </p>
          {p.withheld ? (
            <p className="notice">{p.withheld}</p>
          ) : (
            <>
              <div className="chart-grid">
                <BarChart title="What they would do" rows={p.options.map((o) => ({ label: o.offered ? o.label : `${o.label} (option no longer offered)`, count: o.count }))} />
                <BarChart
                  title={`${isolate(data.judgement)} (average: ${judgementLabel(Math.round(p.meanJudgement)).toLowerCase()}, ${formatSigned(p.meanJudgement)})`}
                  rows={p.judgements.map((j) => ({ label: j.label, count: j.count }))}
                />
              </div>

              <h3>Legal versus ethical</h3>
              <TableScroll label={`Legal versus ethical, as the ${p.key}`}>
                <table>
                  <caption className="visually-hidden">Was it legal, by how people judged it, as the {p.key}</caption>
                  <thead>
                    <tr>
                      <th scope="col">Was it legal / within policy?</th>
                      {(["wrong", "torn", "right"] as const).map((lean) => (
                        <th key={lean} scope="col">
                          Judged {LEAN_LABELS[lean].toLowerCase()}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {p.legalByLean.map((row) => (
                      <tr key={row.legal}>
                        <th scope="row">{LEGAL_LABELS[row.legal]}</th>
                        <td>{row.counts.wrong}</td>
                        <td>{row.counts.torn}</td>
                        <td>{row.counts.right}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>

              <h3>By standing at work</h3>
              {p.byStanding.suppressed ? (
                <p className="muted">Not broken down: {p.byStanding.suppressed}.</p>
              ) : (
                <TableScroll label={`By standing at work, as the ${p.key}`}>
                  <table>
                    <caption className="visually-hidden">Answers as the {p.key}, by the voter&apos;s standing at work</caption>
                    <thead>
                      <tr>
                        <th scope="col">Standing</th>
                        <th scope="col">People</th>
                        {p.options.map((o) => (
                          <th key={o.id} scope="col">
                            {o.label}
                          </th>
                        ))}
                        <th scope="col">Average judgement</th>
                      </tr>
                    </thead>
                    <tbody>
                      {p.byStanding.groups.map((g) => (
                        <tr key={g.key}>
                          <th scope="row">{groupLabel(g.key, STANDING_LABELS)}</th>
                          <td>{g.count}</td>
                          {p.options.map((o) => (
                            <td key={o.id}>{g.options.find((x) => x.id === o.id)?.count ?? 0}</td>
                          ))}
                          <td>{formatSigned(g.meanJudgement)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableScroll>
              )}

              <h3>Since people first answered</h3>
              <p className="muted">
                The same people&apos;s judgements as the {p.key} when they first answered, and now (average {formatSigned(p.shift.firstMeanJudgement)}, now {formatSigned(p.meanJudgement)}). Who
                changed their mind is not shown: only totals, so no one&apos;s change shows up on its own.
              </p>
              <JudgementColumns
                label={`Judgements at first answers and now, as the ${p.key}`}
                testId={`since-first-${p.key}`}
                caption={<caption className="visually-hidden">Judgements as the {p.key} at first answers and now</caption>}
                headings={["At first answers", "Now"]}
                first={p.shift.firstJudgements}
                second={p.judgements}
              />
            </>
          )}
        </section>
      ))}

      {results.gap ? (
        <section aria-labelledby="gap-heading">
          <h2 id="gap-heading">Empathy gap</h2>
          <p className="muted">
            The average, over people, of their judgement as the employee minus their judgement as the employer, from −6 to +6. Positive means they judged the employee more kindly in the
            employee&apos;s shoes than in the employer&apos;s.
          </p>
          {results.gap.withheld ? (
            <p className="notice">{results.gap.withheld}</p>
          ) : (
            <>
              <p>
                Across {countOf(results.gap.people, "person", "people")} the average gap is <strong>{formatSignedPoints(results.gap.meanGap)}</strong>.
              </p>
              <GapSides perspectives={results.perspectives} />
              {results.gap.byStanding.suppressed ? (
                <p className="muted">Not broken down by standing: {results.gap.byStanding.suppressed}.</p>
              ) : (
                <TableScroll label="Empathy gap by standing">
                  <table>
                    <caption className="visually-hidden">Average empathy gap by standing</caption>
                    <thead>
                      <tr>
                        <th scope="col">Standing</th>
                        <th scope="col">People</th>
                        <th scope="col">Average gap</th>
                      </tr>
                    </thead>
                    <tbody>
                      {results.gap.byStanding.groups.map((g) => (
                        <tr key={g.key}>
                          <th scope="row">{groupLabel(g.key, STANDING_LABELS)}</th>
                          <td>{g.count}</td>
                          <td>{formatSigned(g.meanGap)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableScroll>
              )}
            </>
          )}
        </section>
      ) : null}

      <section aria-labelledby="lens-heading">
        <h2 id="lens-heading">Lenses used in arguments, by side</h2>
        {results.lensUsage.length === 0 ? (
          <p>No arguments yet.</p>
        ) : (
          <TableScroll label="Lenses used in arguments">
            <table>
              <thead>
                <tr>
                  <th scope="col">Lens</th>
                  {SIDES.map((side) => (
                    <th key={side} scope="col">
                      {SIDE_LABELS[side]}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {[...new Set(results.lensUsage.map((r) => r.lensLabel))].map((label) => (
                  <tr key={label}>
                    <th scope="row">{label}</th>
                    {SIDES.map((side) => (
                      <td key={side}>{results.lensUsage.filter((r) => r.lensLabel === label && r.side === side).reduce((s, r) => s + r.count, 0)}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </section>

      <section aria-labelledby="bridging-heading">
        <h2 id="bridging-heading">Top bridging arguments</h2>
        <p className="muted">
          Arguments that moved people on both sides, and of different standings. Scores are released with these results: an argument gets one once at least {results.k} people who answered have
          endorsed it, and it changes only after {results.k} of its endorsers have changed.
        </p>
        {results.topBridging.length === 0 ? (
          <p>No argument has a released score showing it moved people on both sides yet.</p>
        ) : (
          <ol className="argument-list">
            {results.topBridging.map((a) => (
              <li key={a.id} className="argument">
                <p className="argument-meta">
                  <strong>
                    <bdi>{a.authorName}</bdi>
                  </strong>{" "}
                  {a.side ? SIDE_LABELS[a.side as Side] : ""} as the {a.perspective} · bridging {a.bridging.toFixed(1)} · {a.endorsements} moved
                </p>
                <div className="argument-body" dir="auto" dangerouslySetInnerHTML={{ __html: a.html }} />
              </li>
            ))}
          </ol>
        )}
      </section>

      <section aria-labelledby="changed-minds-heading" data-testid="changed-minds-section">
        <h2 id="changed-minds-heading">Arguments that changed minds</h2>
        <p className="muted">
          When people change an answer they can name the argument that changed their mind. These are counted from released answers only, in the same steps as the results. Nothing else about those
          people&apos;s answers is shown here: not which way they moved, nor how they judge it now.
        </p>
        {results.changedMinds.length === 0 ? (
          <p>No released answer names an argument as what changed the person&apos;s mind yet.</p>
        ) : (
          <ol className="argument-list">
            {results.changedMinds.map((a) => (
              <li key={a.id} className="argument">
                <p className="argument-meta">
                  <strong>
                    <bdi>{a.authorName}</bdi>
                  </strong>{" "}
                  {a.side ? SIDE_LABELS[a.side as Side] : ""} as the {a.perspective} · {changedMindsLabel(a.count)}
                </p>
                <div className="argument-body" dir="auto" dangerouslySetInnerHTML={{ __html: a.html }} />
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}

/**
 * The empathy gap as a picture of sums: how the same released people judged the case in each
 * role, step by step, side by side. Each person's own gap (a pairing of their two answers) is not
 * shown online (ADR 009, "Figures online are sums").
 */
function GapSides({ perspectives }: { perspectives: { key: string; withheld: string | null; judgements: { value: number; label: string; count: number }[] }[] }) {
  const employee = perspectives.find((p) => p.key === "employee");
  const employer = perspectives.find((p) => p.key === "employer");
  if (!employee || !employer || employee.withheld || employer.withheld) return null;
  return (
    <JudgementColumns
      label="How each role judged it"
      testId="gap-sides"
      caption={<caption>How the same people judged it in each role</caption>}
      headings={["As the employee", "As the employer"]}
      first={employee.judgements}
      second={employer.judgements}
    />
  );
}

/** Two released judgement distributions side by side, one row per step of the scale (the steps of `first`). */
function JudgementColumns(props: {
  label: string;
  testId: string;
  caption: ReactNode;
  headings: [string, string];
  first: readonly { value: number; label: string; count: number }[];
  second: readonly { count: number }[];
}) {
  return (
    <TableScroll label={props.label}>
      <table data-testid={props.testId}>
        {props.caption}
        <thead>
          <tr>
            <th scope="col">Judgement</th>
            <th scope="col">{props.headings[0]}</th>
            <th scope="col">{props.headings[1]}</th>
          </tr>
        </thead>
        <tbody>
          {props.first.map((step, i) => (
            <tr key={step.value}>
              <th scope="row">{step.label}</th>
              <td>{step.count}</td>
              <td>{props.second[i]?.count ?? 0}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
