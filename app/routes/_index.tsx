import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { countOf } from "~/domain/format";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useDelegatedLinkClicks } from "~/components/delegated-links";
import { db } from "~/platform/db.server";
import { librarySearch } from "~/domain/account-forms";
import { TEXT_LIMITS } from "~/domain/text-limits";
import { codeUnitCap } from "~/domain/visible-length";
import { getUser } from "~/accounts/auth.server";
import { can, caseVisibility } from "~/domain/permissions";
import { listUnpublished, readLibrary } from "~/models/cases.server";
import { readConfig } from "~/platform/config.server";
import { casesAnsweredBy } from "~/models/positions.server";

export const meta: MetaFunction = () => [{ title: "Case library · Casebook" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const filter = librarySearch.parse({
    q: url.searchParams.get("q") ?? undefined,
    tag: url.searchParams.get("tag") ?? undefined,
  });
  const user = await getUser(request);
  const [{ cards: cases, tags }, answered] = await Promise.all([readLibrary(db(), { query: filter.q, tag: filter.tag }), user ? casesAnsweredBy(db(), user.id) : Promise.resolve(new Set<number>())]);
  const mayEdit = can(user?.role, "case.edit");
  // Drafts and archived cases are listed to those who may open them (caseVisibility), and only asked for then.
  const seesUnpublished = (["draft", "archived"] as const).some((status) => caseVisibility(status, user?.role).page);
  return {
    mayEdit,
    kThreshold: readConfig().kThreshold,
    unpublished: seesUnpublished ? (await listUnpublished(db())).filter((c) => caseVisibility(c.status, user?.role).page) : [],
    // The id stays on the server: the page links by slug, and every field sent is serialized on every request.
    // Fields named one by one: a rest pattern over the frozen cards cost about 2 µs a card.
    cases: cases.map((c) => ({ slug: c.slug, title: c.title, summary: c.summary, tags: c.tags, participants: c.releasedPeople, answeredByMe: answered.has(c.id) })),
    // [tag, count] pairs: the filter's forty-odd entries without a key name each to serialize.
    tags: tags.map((t) => [t.tag, t.count] as const),
    query: filter.q ?? "",
    tag: filter.tag ?? "",
  };
}

/** The library filtered by `tag`, keeping the search. Built by hand: one URLSearchParams per tag link cost a fifth of the page's own time. */
function tagHref(tag: string, query: string): string {
  const parts: string[] = [];
  if (query) parts.push(`q=${encodeURIComponent(query)}`);
  if (tag) parts.push(`tag=${encodeURIComponent(tag)}`);
  return parts.length ? `/?${parts.join("&")}` : "/";
}

export default function Library() {
  const { cases, tags, query, tag, mayEdit, unpublished, kThreshold } = useLoaderData<typeof loader>();
  // The tag filter and the cards are plain links with one click handler each list (ADR 035);
  // each text is one string, so React writes no <!-- --> between its parts.
  const onLinkClick = useDelegatedLinkClicks();
  return (
    <>
      <h1>Case library</h1>
      {mayEdit ? (
        <p className="inline-form">
          <Link to="/cases/new" className="button">
            New case
          </Link>
          <Link to="/cases/upload">Upload a case file</Link>
        </p>
      ) : null}
      <p className="muted">Each case is a real-feeling workplace dilemma. Take a side twice: as the employee, and as the employer.</p>
      <Form method="get" role="search" className="library-tools">
        <div className="field">
          <label htmlFor="q">Search cases</label>
          <input id="q" type="search" name="q" defaultValue={query} maxLength={codeUnitCap(TEXT_LIMITS.search)} placeholder="e.g. script, fees, hiring" />
        </div>
        {tag ? <input type="hidden" name="tag" value={tag} /> : null}
        <button type="submit">Search</button>
      </Form>
      <nav aria-label="Filter by tag" onClick={onLinkClick}>
        <ul className="tag-filter">
          <li>
            <a href={tagHref("", query)} aria-current={tag === "" ? "true" : undefined}>
              All tags
            </a>
          </li>
          {tags.map(([name, count]) => (
            <li key={name}>
              <a href={tagHref(name, query)} aria-current={tag === name ? "true" : undefined}>
                {`${name} `}
                <span className="visually-hidden">{`(${countOf(count, "case", "cases")})`}</span>
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <p role="status">
        {`${cases.length === 1 ? "1 case" : `${cases.length} cases`}${query ? " matching “" : ""}`}
        {query ? <bdi>{query}</bdi> : null}
        {`${query ? "”" : ""}${tag ? ` tagged ${tag}` : ""}`}
      </p>
      {cases.length === 0 ? (
        <p>
          No cases match. <Link to="/">Show the whole library</Link>.
        </p>
      ) : (
        <ul className="case-grid" onClick={onLinkClick}>
          {cases.map((c) => (
            <li key={c.slug} className="case-card">
              <h2 dir="auto">
                <a href={`/cases/${c.slug}`}>{c.title}</a>
              </h2>
              <p dir="auto">{c.summary}</p>
              <p className="card-meta">
                {`${c.participants === null ? `Fewer than ${kThreshold} people have taken part` : `At least ${countOf(c.participants, "person has", "people have")} taken part`}${c.answeredByMe ? " · " : ""}`}
                {c.answeredByMe ? <span className="badge">You answered</span> : null}
              </p>
              <ul className="tags" aria-label="Tags">
                {c.tags.map((t) => (
                  <li key={t}>{t}</li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
      {unpublished.length > 0 ? (
        <section aria-labelledby="unpublished-heading">
          <h2 id="unpublished-heading">Drafts and archived cases</h2>
          <p className="muted">Only authors and admins see these.</p>
          <ul>
            {unpublished.map((c) => (
              <li key={c.slug}>
                <Link to={`/cases/${c.slug}`}>
                  <bdi>{c.title}</bdi>
                </Link>{" "}
                <span className="badge-muted">{c.status}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
