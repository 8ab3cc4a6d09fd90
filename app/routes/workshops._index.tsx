import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requirePermission } from "~/accounts/auth.server";
import { TextField } from "~/components/field";
import { IdempotencyKeyField, SendButton } from "~/components/send-once";
import { formKey, KEY_REUSED_MESSAGE } from "~/domain/idempotency";
import { newPageKey, readSubmission, REPLAYED_HEADER } from "~/http/idempotency.server";
import { answerOnce } from "~/models/idempotency-keys.server";
import { TableScroll } from "~/components/table-scroll";
import { db } from "~/platform/db.server";
import { MAX_CAPACITY, readCapacity } from "~/domain/room-defences";
import { caseVisibility } from "~/domain/permissions";
import { readCreateWorkshopForm } from "~/domain/workshop-forms";
import { TEXT_LIMITS } from "~/domain/text-limits";
import { codeUnitCap } from "~/domain/visible-length";
import { findCaseBySlug, listLibrary, rolePlayCaseSlugs } from "~/models/cases.server";
import { rolePlayRoles } from "~/domain/role-assignment";
import { createWorkshop, listWorkshops } from "~/models/workshops.server";
import { stageLabel, type StageId } from "~/domain/workshop-stages";
import { readFormData } from "~/http/forms";
import { FormProblem } from "~/components/form-feedback";

export const meta: MetaFunction = () => [{ title: "Workshops · Casebook" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "workshops.run");
  const [workshops, cases, rolePlay] = await Promise.all([listWorkshops(db(), { facilitatorUserId: user.id }), listLibrary(db()), rolePlayCaseSlugs(db())]);
  const preselected = new URL(request.url).searchParams.get("case") ?? "";
  // pageKey: new on every load; the create form's idempotency key is this plus its name (ADR 016).
  return { workshops, cases: cases.map((c) => ({ slug: c.slug, title: c.title, rolePlay: rolePlay.has(c.slug) })), preselected, pageKey: newPageKey() };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "workshops.run");
  const formData = await readFormData(request);
  const parsed = readCreateWorkshopForm(formData);
  const values = { caseSlug: String(formData.get("caseSlug") ?? ""), title: String(formData.get("title") ?? ""), capacity: String(formData.get("capacity") ?? "").slice(0, 20) };
  const capacity = readCapacity(formData.get("capacity"));
  if (!parsed.success || !capacity.ok) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.success ? [] : parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
    if (!capacity.ok) errors.capacity = capacity.message;
    return Response.json({ errors, values }, { status: 400 });
  }
  const found = await findCaseBySlug(db(), parsed.data.caseSlug);
  // Only a case whose workshops this facilitator may run (published ones): others look like no case at all.
  if (!found || !caseVisibility(found.status, user.role).workshop) return Response.json({ errors: { caseSlug: "Choose a case from the list." }, values }, { status: 400 });
  const offered: string[] = found.doc.perspectives.map((p) => p.key);
  const chosen = parsed.data.perspectives.includes("others") ? [...parsed.data.perspectives, ...offered.filter((p) => p !== "employee" && p !== "employer")] : parsed.data.perspectives;
  const unknown = chosen.filter((p) => p !== "others" && !offered.includes(p));
  if (unknown.length > 0) {
    return Response.json({ errors: { perspectives: `This case has no ${unknown.join(", ")} perspective; choose from ${offered.join(", ")}.` }, values }, { status: 400 });
  }
  if (!offered.some((p) => chosen.includes(p))) {
    return Response.json({ errors: { perspectives: "Poll at least one of this case's perspectives." }, values }, { status: 400 });
  }
  // Role-play needs role briefs to hand out (ADR 028): refused on its field, never silently ignored.
  const roles = parsed.data.rolePlay ? rolePlayRoles(found.doc) : null;
  if (parsed.data.rolePlay && !roles) {
    return Response.json(
      { errors: { rolePlay: "This case has no role briefs for two perspectives, so it cannot be run as role-play. Choose a case marked “role-play”, or untick role-play." }, values },
      { status: 400 },
    );
  }
  // A double click makes one workshop: the form's key gets the first answer (ADR 016).
  const read = readSubmission(formData, null, `user:${user.id}`, "workshops", "create-workshop");
  if (!read.ok) return Response.json({ errors: { form: read.message }, values }, { status: 400 });
  const once = await answerOnce(db(), read.submission, async (trx) => {
    const workshop = await createWorkshop(trx, {
      caseId: found.id,
      caseVersionId: found.versionId,
      facilitatorUserId: user.id,
      title: parsed.data.title,
      perspectives: offered.filter((p) => chosen.includes(p)),
      twoRounds: parsed.data.twoRounds,
      resultsMode: parsed.data.resultsMode,
      askStanding: parsed.data.askStanding,
      capacity: capacity.capacity,
      roles,
    });
    return { status: 302, body: { location: `/workshops/${workshop.id}` } };
  });
  if (once.kind === "reused") return Response.json({ errors: { form: KEY_REUSED_MESSAGE }, values }, { status: 422 });
  return redirect(once.answer.body.location, once.kind === "repeat" ? { headers: { [REPLAYED_HEADER]: "true" } } : undefined);
}

export default function Workshops() {
  const { workshops, cases, preselected, pageKey } = useLoaderData<typeof loader>();
  const key = formKey(pageKey, "create-workshop");
  const result = useActionData<{ errors: Record<string, string>; values: Record<string, string> }>();
  const errors = result?.errors ?? {};
  return (
    <>
      <h1>Workshops</h1>
      <p className="muted">Run a case live with a room: people join on their phones with a code, you move through the stages, and the projector shows the room&apos;s answers.</p>
      <section aria-labelledby="new-workshop">
        <h2 id="new-workshop">New workshop</h2>
        <Form method="post" className="stack" noValidate>
          <IdempotencyKeyField value={key} />
          <FormProblem message={errors.form} />
          <div className="field">
            <label htmlFor="caseSlug">Case</label>
            <select id="caseSlug" name="caseSlug" defaultValue={result?.values.caseSlug ?? preselected} aria-invalid={errors.caseSlug ? true : undefined}>
              <option value="">Choose a case…</option>
              {cases.map((c) => (
                <option key={c.slug} value={c.slug}>
                  {c.rolePlay ? `${c.title} · role-play` : c.title}
                </option>
              ))}
            </select>
            {errors.caseSlug ? <p className="field-error">{errors.caseSlug}</p> : null}
          </div>
          <TextField
            name="title"
            label="Title"
            hint="What the room sees, e.g. “Team leads, March session”."
            maxLength={codeUnitCap(TEXT_LIMITS.workshopTitle)}
            defaultValue={result?.values.title}
            error={errors.title}
          />
          <fieldset className="field">
            <legend>Perspectives to poll</legend>
            <p className="hint">Both, unless you have a reason: the gap between them is the point.</p>
            {["employee", "employer"].map((key) => (
              <label key={key} className="choice">
                <input type="checkbox" name="perspectives" value={key} defaultChecked />
                As the {key}
              </label>
            ))}
            <label className="choice">
              <input type="checkbox" name="perspectives" value="others" />
              Also any other perspective the case asks (e.g. the customer)
            </label>
            {errors.perspectives ? <p className="field-error">{errors.perspectives}</p> : null}
          </fieldset>
          <fieldset className="field">
            <legend>Rounds</legend>
            <label className="choice">
              <input type="checkbox" name="twoRounds" defaultChecked />
              Vote before the discussion and again after it (shows who moved)
            </label>
          </fieldset>
          <fieldset className="field">
            <legend>When does the room see results?</legend>
            <label className="choice">
              <input type="radio" name="resultsMode" value="reveal" defaultChecked />
              When I reveal them (answers are not swayed by the bars)
            </label>
            <label className="choice">
              <input type="radio" name="resultsMode" value="live" />
              Live, while people vote
            </label>
            {errors.resultsMode ? <p className="field-error">{errors.resultsMode}</p> : null}
          </fieldset>
          <fieldset className="field">
            <legend>Standing</legend>
            <label className="choice">
              <input type="checkbox" name="askStanding" defaultChecked />
              Ask participants for their standing (optional for them; breakdowns only for groups of at least k)
            </label>
          </fieldset>
          {cases.some((c) => c.rolePlay) ? (
            <fieldset className="field">
              <legend>Role-play</legend>
              <label className="choice">
                <input type="checkbox" name="rolePlay" aria-describedby="role-play-hint" aria-invalid={errors.rolePlay ? true : undefined} />
                Run as role-play: split the room into the case&apos;s roles, each phone showing its own role card
              </label>
              <p className="hint" id="role-play-hint">
                Only for cases marked “role-play” in the list (they have a brief for each role). You assign roles and set a timer from the control panel.
              </p>
              {errors.rolePlay ? <p className="field-error">{errors.rolePlay}</p> : null}
            </fieldset>
          ) : null}
          <TextField
            name="capacity"
            label="Capacity (optional)"
            hint="The most people who may join; leave empty for no limit. You can change it, or lock the room, from the control panel."
            type="number"
            inputMode="numeric"
            min={1}
            max={MAX_CAPACITY}
            defaultValue={result?.values.capacity}
            error={errors.capacity}
          />
          <div>
            <SendButton sendingKey={key}>Create workshop</SendButton>
          </div>
        </Form>
      </section>
      <section aria-labelledby="my-workshops">
        <h2 id="my-workshops">My workshops</h2>
        {workshops.length === 0 ? (
          <p className="muted">None yet.</p>
        ) : (
          <TableScroll label="My workshops">
            <table>
              <thead>
                <tr>
                  <th scope="col">Workshop</th>
                  <th scope="col">Case</th>
                  <th scope="col">Code</th>
                  <th scope="col">Stage</th>
                  <th scope="col">People</th>
                </tr>
              </thead>
              <tbody>
                {workshops.map((w) => (
                  <tr key={w.id}>
                    <td>
                      <Link to={`/workshops/${w.id}`}>{w.title}</Link>
                    </td>
                    <td>{w.caseTitle}</td>
                    <td>
                      <code>{w.code}</code>
                    </td>
                    <td>{stageLabel(w.stage as StageId)}</td>
                    <td>{w.participants}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </section>
    </>
  );
}
