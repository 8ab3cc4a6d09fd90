import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { TableScroll } from "~/components/table-scroll";
import { loadCaseFor } from "~/cases/access.server";
import { db } from "~/platform/db.server";
import { collapseUnchanged, diffLines } from "~/domain/text-diff";
import { findCaseVersionSource, listCaseVersions } from "~/models/cases.server";
import { formatUtc } from "~/domain/format";
import { readWholeNumber } from "~/domain/whole-number";

export const meta: MetaFunction = () => [{ title: "Case history · Casebook" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { found } = await loadCaseFor(request, params.slug, "history");
  const versions = await listCaseVersions(db(), found.id);
  const url = new URL(request.url);
  const asked = (name: string, otherwise: number) => (url.searchParams.has(name) ? readWholeNumber(url.searchParams.get(name), { min: 1 }) : otherwise);
  const to = asked("to", found.version);
  const from = asked("from", Math.max(1, (to ?? found.version) - 1));
  let diff = null;
  // A version written any way but decimal digits ("1e0", "0x1") is no version.
  if (from === null || to === null) throw new Response("There is no such version of this case.", { status: 404 });
  if (versions.length > 1) {
    const [before, after] = await Promise.all([findCaseVersionSource(db(), found.id, from), findCaseVersionSource(db(), found.id, to)]);
    if (before === undefined || after === undefined) throw new Response("There is no such version of this case.", { status: 404 });
    diff = { from, to, lines: collapseUnchanged(diffLines(before, after)) };
  }
  return { slug: found.slug, title: found.doc.title, current: found.version, versions, diff };
}

export default function History() {
  const data = useLoaderData<typeof loader>();
  return (
    <>
      <p className="muted">
        <Link to={`/cases/${data.slug}`}>
          <bdi>{data.title}</bdi>
        </Link>{" "}
        / history
      </p>
      <h1>
        History of <bdi>{data.title}</bdi>
      </h1>
      <TableScroll label="Versions">
        <table>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Saved (UTC)</th>
              <th scope="col">From</th>
              <th scope="col">By</th>
              <th scope="col">Title</th>
            </tr>
          </thead>
          <tbody>
            {data.versions.map((v) => (
              <tr key={v.id}>
                <td>
                  {v.version}
                  {v.version === data.current ? " (current)" : ""}
                </td>
                <td>{formatUtc(v.createdAt)}</td>
                <td>{v.origin === "file" ? "case file" : "the app"}</td>
                <td dir="auto">{v.authorName ?? "—"}</td>
                <td dir="auto">{v.title}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {data.diff ? (
        <section aria-labelledby="diff-heading">
          <h2 id="diff-heading">
            Changes from version {data.diff.from} to version {data.diff.to}
          </h2>
          <Form method="get" className="inline-form">
            <VersionSelect name="from" label="From" versions={data.versions} chosen={data.diff.from} />
            <VersionSelect name="to" label="to" versions={data.versions} chosen={data.diff.to} />
            <button type="submit" className="secondary">
              Compare
            </button>
          </Form>
          <div className="diff" role="table" aria-label={`Line changes from version ${data.diff.from} to ${data.diff.to}`}>
            {data.diff.lines.map((line, i) =>
              line.kind === "skip" ? (
                <div key={i} className="skip">
                  … {line.count} unchanged lines …
                </div>
              ) : (
                <div key={i} className={line.kind}>
                  <span className="line-no">{line.kind === "added" ? "+" : line.kind === "removed" ? "−" : " "}</span>
                  <bdi>{line.text}</bdi>
                </div>
              ),
            )}
          </div>
        </section>
      ) : (
        <p className="muted">Only one version so far.</p>
      )}
    </>
  );
}

/** One end of the comparison: a labelled list of the case's versions. */
function VersionSelect({ name, label, versions, chosen }: { name: string; label: string; versions: readonly { version: number }[]; chosen: number }) {
  return (
    <>
      <label htmlFor={name}>{label}</label>
      <select id={name} name={name} defaultValue={chosen}>
        {versions.map((v) => (
          <option key={v.version} value={v.version}>
            {v.version}
          </option>
        ))}
      </select>
    </>
  );
}
