import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { countOf, formatUtc } from "~/domain/format";
import { can } from "~/domain/permissions";
import { caseNoticeText } from "~/domain/case-notices";
import { Link, useActionData, useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { loadCaseFor, loadCaseForAccount } from "~/cases/access.server";
import { handleCaseAction, type CaseActionResult } from "~/cases/actions.server";
import { loadDebate, parseSort } from "~/cases/page.server";
import { loadSteelmen } from "~/cases/steelman-page.server";
import { SteelmanBoard, SteelmanPrompt } from "~/components/steelmen";
import { ArgumentForm } from "~/components/argument-form";
import { ArgumentThread } from "~/components/argument-thread";
import { OnlinePrivacyStatement } from "~/components/online-privacy-statement";
import { PositionForm } from "~/components/position-form";
import { readConfig } from "~/platform/config.server";
import { LENS_LABELS, LENSES } from "~/domain/case-file";
import { formKey } from "~/domain/idempotency";
import { isolate } from "~/domain/bidi";
import { renderMarkdownCached } from "~/platform/markdown-cache.server";
import { checkRateLimit, tooManyRequests } from "~/http/rate-limit.server";
import { readFormData } from "~/http/forms";
import { actionResponse, answerHeaders, newPageKey } from "~/http/idempotency.server";
import { FormProblem, FormNotice } from "~/components/form-feedback";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${isolate(data.title)} · Casebook` : "Case · Casebook" }];

/** Keeps Retry-After on a 429 and Idempotent-Replayed on a repeat (see answerHeaders). */
export const headers = answerHeaders;

/**
 * A ballot refused because the case changed under it (an option removed since, a form from an
 * older page) must show the case as it is now, so the page's data is loaded again even after that
 * 4xx answer, which Remix would otherwise not do (ADR 017).
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) => {
  const result = actionResult as CaseActionResult | undefined;
  const stale = result?.intent === "position" && (result.errors?.option !== undefined || result.errors?.version !== undefined);
  return stale || defaultShouldRevalidate;
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  // Drafts and archived cases exist only for the people who write cases (caseVisibility).
  const { user, found, visible } = await loadCaseFor(request, params.slug, "page");
  const { doc } = found;
  const { kThreshold } = readConfig();
  const debate = await loadDebate(found, user, parseSort(new URL(request.url).searchParams.get("sort")), kThreshold);
  return {
    slug: found.slug,
    status: found.status,
    mayEdit: visible.edit,
    notice: caseNoticeText(new URL(request.url).searchParams.get("notice")),
    // Only people who may run workshops are offered to (authors could not, and met a 403).
    mayRunWorkshop: can(user?.role, "workshops.run"),
    version: found.version,
    title: doc.title,
    summary: doc.summary,
    tags: doc.tags,
    judgement: doc.judgement,
    lenses: doc.lenses.map((lens) => LENS_LABELS[lens]),
    perspectives: doc.perspectives,
    discussion: doc.discussion,
    stages: doc.stages.map((stage) => ({ title: stage.title, html: renderMarkdownCached(stage.markdown) })),
    // Withheld by the server, not hidden by CSS: participants never receive the notes.
    facilitatorNotesHtml: visible["facilitator-notes"] && doc.facilitatorNotes ? renderMarkdownCached(doc.facilitatorNotes) : null,
    sourcesHtml: doc.sources ? renderMarkdownCached(doc.sources) : null,
    mayReadSource: visible.source,
    kThreshold,
    debate,
    steelmen: await loadSteelmen(doc, found.id, user, debate.current, debate.mayReadResults, kThreshold),
    /** New on every load: each form's idempotency key is this plus the form's name (ADR 016). */
    pageKey: newPageKey(),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, found } = await loadCaseForAccount(request, params.slug, "debate");
  const verdict = await checkRateLimit("write", `user:${user.id}`);
  if (!verdict.allowed) {
    const body: CaseActionResult = { intent: "", target: "", errors: { form: verdict.message } };
    return tooManyRequests(body, verdict);
  }
  return actionResponse(await handleCaseAction(found, user, await readFormData(request)));
}

const SORT_LABELS = { bridging: "Most bridging", endorsed: "Most endorsed", newest: "Newest" } as const;

/** Which of an answer's error fields the page shows beside their form; the rest go to the top. */
function fieldsShownInPlace(result: CaseActionResult, data: ReturnType<typeof useLoaderData<typeof loader>>): readonly string[] {
  const { signedIn } = data.debate;
  if (result.target === "new" && signedIn && (result.intent === "argument" || result.intent === "preview")) return ["form", "body", "side", "perspective", "lens"];
  if (result.intent === "position" && signedIn && data.perspectives.some((p) => p.key === result.target)) {
    // The "which argument moved you" list is only there once you have answered and there are arguments.
    const movedByShown = result.target in data.debate.current && (data.debate.movableBy[result.target]?.length ?? 0) > 0;
    return ["form", "option", "version", "judgement", "legal", "confidence", ...(movedByShown ? ["movedBy"] : [])];
  }
  if (result.intent === "steelman" || result.intent === "steelman-delete") {
    const slot = data.steelmen.write.find((w) => `steelman-${w.perspective}` === result.target);
    return slot ? (slot.mine?.opened || slot.mine?.hidden ? ["form"] : ["form", "side", "body"]) : [];
  }
  if (result.intent === "rate-steelman") {
    return data.steelmen.rate.some((g) => g.items.some((i) => `steelman-${i.id}` === result.target)) ? ["form", "rating"] : [];
  }
  if (result.intent === "steelman-hide" || result.intent === "steelman-restore") {
    const listed = [...(data.steelmen.moderation?.open ?? []), ...(data.steelmen.moderation?.hidden ?? [])];
    return listed.some((i) => `steelman-${i.id}` === result.target) ? ["form", "reason"] : [];
  }
  type Node = (typeof data.debate.threads)[number];
  const nodes = new Map<string, Node>();
  const collect = (list: Node[]) => {
    for (const node of list) {
      nodes.set(String(node.id), node);
      collect(node.replies as Node[]);
    }
  };
  collect(data.debate.threads);
  const node = nodes.get(result.target);
  if (!node) return [];
  // An argument shows any refusal of its own; a field error only in a form it actually has.
  if (result.intent === "edit" && node.canEdit && node.body !== null) return ["form", "body"];
  if (result.intent === "reply" && node.canReply) return ["form", "body"];
  if ((result.intent === "hide" || result.intent === "restore") && data.debate.mayModerate && node.status !== "deleted") return ["form", "reason"];
  return ["form"];
}

/**
 * A refusal whose form is not on the page, or whose field the form does not show (a stale or
 * forged target, an argument that is gone): said at the top instead, so no answer is lost.
 */
function unplacedProblem(result: CaseActionResult | undefined, data: ReturnType<typeof useLoaderData<typeof loader>>): string | null {
  if (!result) return null;
  const shown = fieldsShownInPlace(result, data);
  return Object.entries(result.errors).find(([field, message]) => message && !shown.includes(field))?.[1] ?? null;
}

export default function CasePage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<CaseActionResult>();
  const { debate } = data;
  const feedbackFor = (intent: string[], target: string) => (result && intent.includes(result.intent) && result.target === target ? result : undefined);
  const newArgument = feedbackFor(["argument", "preview"], "new");
  const unplaced = unplacedProblem(result, data);
  return (
    <article>
      <header className="case-header">
        <p className="muted">
          <Link to="/">Library</Link> / case
        </p>
        {data.status !== "published" ? (
          <p className="notice" role="status">
            {data.status === "draft" ? "Draft: only authors and admins can see this case." : "Archived: hidden from the library; its answers and arguments are kept."}
          </p>
        ) : null}
        <FormNotice message={data.notice} />
        <h1 dir="auto">{data.title}</h1>
        <p className="summary" dir="auto">
          {data.summary}
        </p>
        {data.mayEdit || data.mayRunWorkshop ? (
          <p className="inline-form">
            {data.mayEdit ? (
              <>
                <Link to={`/cases/${data.slug}/edit`} className="button secondary">
                  Edit case
                </Link>
                <Link to={`/cases/${data.slug}/history`}>History</Link>
              </>
            ) : null}
            {data.mayRunWorkshop ? <Link to={`/workshops?case=${data.slug}`}>Run as a workshop</Link> : null}
          </p>
        ) : null}
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
            <bdi>{stage.title}</bdi>
          </h2>
          <div dir="auto" dangerouslySetInnerHTML={{ __html: stage.html }} />
        </section>
      ))}

      <FormProblem message={unplaced} />

      <section aria-labelledby="positions-heading" id="positions">
        <h2 id="positions-heading">Take a side, twice</h2>
        <p>
          Answer in each hat: what you would do, and{" "}
          <strong>
            <bdi>{data.judgement}</bdi>
          </strong>
        </p>
        {Object.keys(debate.current).length === 0 ? <OnlinePrivacyStatement k={data.kThreshold} /> : null}
        {!debate.signedIn ? (
          <p className="notice">
            <Link to={`/login?redirectTo=/cases/${data.slug}`}>Log in</Link> or <Link to={`/signup?redirectTo=/cases/${data.slug}`}>sign up</Link> to record your answers and argue.
          </p>
        ) : (
          <>
            <div className="perspectives ballots">
              {data.perspectives.map((p) => {
                const feedback = feedbackFor(["position"], p.key);
                return (
                  <PositionForm
                    key={p.key}
                    perspective={p}
                    version={data.version}
                    judgementQuestion={data.judgement}
                    current={debate.current[p.key] ?? null}
                    movableBy={debate.movableBy[p.key] ?? []}
                    errors={feedback?.errors ?? {}}
                    message={feedback?.message}
                    formKey={formKey(data.pageKey, `position-${p.key}`)}
                  />
                );
              })}
            </div>
          </>
        )}
        {debate.myGap ? (
          <p className="my-gap">
            Just for you: as the employee you judged it <strong>{debate.myGap.employee.toLowerCase()}</strong>; as the employer, <strong>{debate.myGap.employer.toLowerCase()}</strong>
            {debate.myGap.gap === 0 ? ": no empathy gap." : `: an empathy gap of ${Math.abs(debate.myGap.gap)} point${Math.abs(debate.myGap.gap) === 1 ? "" : "s"}.`}
          </p>
        ) : null}
        {debate.history.length > Object.keys(debate.current).length ? (
          <details className="my-history">
            <summary>Your history on this case ({countOf(debate.history.length, "answer", "answers")})</summary>
            <ol>
              {debate.history.map((p) => (
                <li key={p.id}>
                  As the {p.perspective}:{" "}
                  <strong>
                    <bdi>{p.option}</bdi>
                  </strong>
                  , {p.judgementLabel.toLowerCase()} ({formatUtc(p.createdAt)} UTC, version {p.version}){p.isCurrent ? " · current" : ""}
                </li>
              ))}
            </ol>
          </details>
        ) : null}
        {debate.signedIn ? <SteelmanPrompt slots={data.steelmen.write} judgementQuestion={data.judgement} feedback={result} pageKey={data.pageKey} /> : null}
        {debate.mayReadResults ? (
          <p>
            <Link to={`/cases/${data.slug}/results`} className="button">
              See where people stand
            </Link>
          </p>
        ) : debate.signedIn ? (
          <p className="muted">Results appear here once you have answered every perspective, so they cannot sway your first answer.</p>
        ) : null}
      </section>

      <SteelmanBoard rate={data.steelmen.rate} best={data.steelmen.best} moderation={data.steelmen.moderation} k={data.kThreshold} feedback={result} pageKey={data.pageKey} />

      <section aria-labelledby="arguments-heading" id="arguments">
        <h2 id="arguments-heading">Arguments</h2>
        <nav aria-label="Sort arguments" className="sort-links">
          Sort:{" "}
          {(Object.keys(SORT_LABELS) as (keyof typeof SORT_LABELS)[]).map((sort) => (
            <Link key={sort} to={`?sort=${sort}#arguments`} preventScrollReset aria-current={debate.sort === sort ? "true" : undefined}>
              {SORT_LABELS[sort]}
            </Link>
          ))}
        </nav>
        {debate.threads.length > 0 ? (
          <p className="muted">
            &ldquo;Most bridging&rdquo; puts first the arguments endorsed by people on both sides and of different standings. Nobody&apos;s answers go into those scores: an endorser counts on a side
            from the other arguments they endorsed (more &ldquo;for&rdquo; than &ldquo;against&rdquo; what the person in the case did, or the reverse). Because scores count endorsers&apos; standings,
            they are released with the results, in steps: an argument gets a score once at least {data.kThreshold} people have endorsed it, and its score changes only after at least {data.kThreshold}{" "}
            of its endorsers have endorsed, withdrawn, or changed side or standing, at the next release of the results.{" "}
            {debate.scoresReleasedAt ? `Scores as released ${formatUtc(debate.scoresReleasedAt)} UTC. ` : ""}How many people each argument moved is counted as it happens.
          </p>
        ) : null}
        {debate.threads.length === 0 ? <p>No arguments yet. Be the first to make the case for one side.</p> : null}
        <ol className="argument-list">
          {debate.threads.map((node) => (
            <ArgumentThread key={node.id} node={node} mayModerate={debate.mayModerate} feedback={result} pageKey={data.pageKey} />
          ))}
        </ol>
        {debate.signedIn ? (
          <ArgumentForm
            perspectives={data.perspectives.map((p) => p.key)}
            lenses={LENSES.map((key) => ({ key, label: LENS_LABELS[key] }))}
            errors={newArgument?.errors ?? {}}
            values={newArgument?.intent === "preview" || Object.keys(newArgument?.errors ?? {}).length > 0 ? (newArgument?.values ?? {}) : {}}
            previewHtml={newArgument?.previewHtml}
            message={newArgument?.message}
            formKey={formKey(data.pageKey, "argument")}
          />
        ) : null}
      </section>

      <section aria-labelledby="discussion-heading">
        <h2 id="discussion-heading">Questions for discussion</h2>
        <ol>
          {data.discussion.map((q) => (
            <li key={q} dir="auto">
              {q}
            </li>
          ))}
        </ol>
        {data.lenses.length > 0 ? <p className="muted">Lenses to try: {data.lenses.join(", ")}.</p> : null}
      </section>

      {data.facilitatorNotesHtml ? (
        <section className="facilitator-notes" aria-labelledby="notes-heading">
          <h2 id="notes-heading">Facilitator notes</h2>
          <div dir="auto" dangerouslySetInnerHTML={{ __html: data.facilitatorNotesHtml }} />
        </section>
      ) : null}

      {data.sourcesHtml ? (
        <section aria-labelledby="sources-heading">
          <h2 id="sources-heading">Sources</h2>
          <div dir="auto" dangerouslySetInnerHTML={{ __html: data.sourcesHtml }} />
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
