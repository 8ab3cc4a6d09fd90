import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getUser } from "~/auth.server";
import { db } from "~/db.server";
import { LENS_LABELS } from "~/domain/case-file";
import { renderMarkdown } from "~/domain/markdown";
import { can } from "~/domain/permissions";
import { findCaseBySlug } from "~/models/cases.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.title} · Casebook` : "Case · Casebook" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const found = await findCaseBySlug(db(), params.slug ?? "");
  if (!found || found.status !== "published") throw new Response("There is no case at this address.", { status: 404 });
  const user = await getUser(request);
  const { doc } = found;
  const mayReadNotes = can(user?.role, "case.read-facilitator-notes");
  return {
    slug: found.slug,
    version: found.version,
    title: doc.title,
    summary: doc.summary,
    tags: doc.tags,
    judgement: doc.judgement,
    lenses: doc.lenses.map((lens) => LENS_LABELS[lens]),
    perspectives: doc.perspectives,
    discussion: doc.discussion,
    stages: doc.stages.map((stage) => ({ title: stage.title, html: renderMarkdown(stage.markdown) })),
    // Withheld by the server, not hidden by CSS: participants never receive the notes.
    facilitatorNotesHtml: mayReadNotes && doc.facilitatorNotes ? renderMarkdown(doc.facilitatorNotes) : null,
    sourcesHtml: doc.sources ? renderMarkdown(doc.sources) : null,
    mayReadSource: can(user?.role, "case.read-source"),
  };
}

export default function CasePage() {
  const data = useLoaderData<typeof loader>();
  return (
    <article>
      <header className="case-header">
        <p className="muted">
          <Link to="/">Library</Link> / case
        </p>
        <h1>{data.title}</h1>
        <p className="summary">{data.summary}</p>
        <ul className="tags" aria-label="Tags">
          {data.tags.map((t) => (
            <li key={t}>{t}</li>
          ))}
        </ul>
      </header>

      {data.stages.map((stage, index) => (
        <section key={stage.title} className="stage" aria-labelledby={`stage-${index + 1}`}>
          <h2 id={`stage-${index + 1}`}>
            <span className="stage-number">
              Stage {index + 1} of {data.stages.length}
            </span>
            {stage.title}
          </h2>
          <div dangerouslySetInnerHTML={{ __html: stage.html }} />
        </section>
      ))}

      <section aria-labelledby="perspectives-heading">
        <h2 id="perspectives-heading">Take a side, twice</h2>
        <p>
          The question for every perspective: <strong>{data.judgement}</strong>
        </p>
        <div className="perspectives">
          {data.perspectives.map((p) => (
            <section key={p.key} className="perspective" aria-labelledby={`perspective-${p.key}`}>
              <h3 id={`perspective-${p.key}`}>As the {p.key}</h3>
              <p>{p.prompt}</p>
              <ul>
                {p.options.map((option) => (
                  <li key={option}>{option}</li>
                ))}
              </ul>
            </section>
          ))}
        </div>
      </section>

      <section aria-labelledby="discussion-heading">
        <h2 id="discussion-heading">Questions for discussion</h2>
        <ol>
          {data.discussion.map((q) => (
            <li key={q}>{q}</li>
          ))}
        </ol>
        {data.lenses.length > 0 ? <p className="muted">Lenses to try: {data.lenses.join(", ")}.</p> : null}
      </section>

      {data.facilitatorNotesHtml ? (
        <section className="facilitator-notes" aria-labelledby="notes-heading">
          <h2 id="notes-heading">Facilitator notes</h2>
          <div dangerouslySetInnerHTML={{ __html: data.facilitatorNotesHtml }} />
        </section>
      ) : null}

      {data.sourcesHtml ? (
        <section aria-labelledby="sources-heading">
          <h2 id="sources-heading">Sources</h2>
          <div dangerouslySetInnerHTML={{ __html: data.sourcesHtml }} />
        </section>
      ) : null}

      <p className="muted">
        Version {data.version}
        {data.mayReadSource ? (
          <>
            {" · "}
            <a href={`/cases/${data.slug}/source`}>Case file (Markdown)</a>
          </>
        ) : null}
      </p>
    </article>
  );
}
