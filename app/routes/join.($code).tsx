import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { TextField } from "~/components/field";
import { IdempotencyKeyField, SendButton } from "~/components/send-once";
import { LivePrivacyStatement } from "~/components/live-privacy";
import { readConfig } from "~/platform/config.server";
import { db } from "~/platform/db.server";
import { formKey, KEY_REUSED_MESSAGE } from "~/domain/idempotency";
import { joinCodeProblem, normalizeJoinCode } from "~/domain/join-code";
import { type Standing } from "~/domain/permissions";
import { joinForm } from "~/domain/workshop-forms";
import { TEXT_LIMITS } from "~/domain/text-limits";
import { codeUnitCap } from "~/domain/visible-length";
import { parseForm, readFormData } from "~/http/forms";
import { joinRefusal } from "~/domain/room-defences";
import { guardCodeLookup } from "~/workshops/join-code-guard.server";
import { findWorkshopByCode } from "~/models/workshops.server";
import { countParticipants, hashDeviceToken, joinWorkshop } from "~/models/participants.server";
import { checkRateLimits, clientAddress, type RateLimitKind, tooManyRequests } from "~/http/rate-limit.server";
import { answerHeaders, newPageKey, readSubmission, REPLAYED_HEADER } from "~/http/idempotency.server";
import { answerOnce } from "~/models/idempotency-keys.server";
import { deviceCookieHeader, deviceTokenMinter, newDeviceSeed, readDeviceToken } from "~/workshops/access.server";
import { announceWorkshopChange } from "~/workshops/live-state.server";
import { StandingOptions } from "~/components/standing-options";

export const meta: MetaFunction = () => [{ title: "Join a workshop · Casebook" }];

/** Keeps Retry-After on a 429 and Idempotent-Replayed on a repeat (see answerHeaders). */
export const headers = answerHeaders;

/**
 * The workshop a code names, through the join-code guard: an unknown (or malformed) code spends
 * this network's budget of wrong codes, and once it is spent every code is refused alike (429).
 */
async function openWorkshop(rawCode: string, address: string) {
  const code = normalizeJoinCode(rawCode);
  const workshop = joinCodeProblem(code) ? undefined : await findWorkshopByCode(db(), code);
  const verdict = await guardCodeLookup(address, workshop !== undefined);
  if (!verdict.allowed) return { code, error: verdict.message, workshop: null, status: 429, retryAfter: verdict.retryAfterSeconds };
  if (!workshop) return { code, error: joinCodeProblem(code) ?? `No workshop has the code ${code}. Check the code on the screen.`, workshop: null, status: joinCodeProblem(code) ? 400 : 404 };
  if (workshop.state.stage === "ended") return { code, error: "This workshop has ended. Thank you for taking part.", workshop: null, status: 400 };
  return { code, error: null, workshop, status: 200 };
}

export async function loader({ params, context }: LoaderFunctionArgs) {
  const k = readConfig().kThreshold;
  // Viewing the page sets no cookie: a phone gets its device cookie when it joins (see the action).
  const init = (status: number) => ({ status });
  const pageKey = newPageKey();
  if (!params.code) return data({ code: "", title: null, askStanding: true, error: null as string | null, k, pageKey }, init(200));
  const found = await openWorkshop(params.code, clientAddress(context));
  if (found.status === 429) throw new Response(found.error, { status: 429, headers: { "Retry-After": String(found.retryAfter) } });
  // A locked or full room says so before anyone fills the form in (a phone that joined before still gets back in).
  const door =
    found.workshop &&
    joinRefusal({
      locked: found.workshop.locked,
      capacity: found.workshop.capacity,
      present: found.workshop.capacity === null ? 0 : await countParticipants(db(), found.workshop.id),
      alreadyJoined: false,
    });
  // An unknown code is a 404 (a malformed one a 400), as at every other door that looks codes up.
  return data({ code: found.code, title: found.workshop?.title ?? null, askStanding: found.workshop?.askStanding ?? true, error: found.error ?? door ?? null, k, pageKey }, init(found.status));
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await readFormData(request);
  const form = parseForm(joinForm, formData);
  if (!form.ok) return Response.json({ errors: form.errors, values: form.values }, { status: 400 });
  const device = await readDeviceToken(request);
  const address = clientAddress(context);
  // A first-time device has no token yet, so only its address can be limited: keying it as
  // "new" put every first join on the server into one bucket of 20 a minute.
  const limits: [RateLimitKind, string][] = [
    ["join-address", address],
    ["join-address-hour", address],
  ];
  if (device) limits.push(["join-device", device]);
  const verdict = await checkRateLimits(limits);
  if (!verdict.allowed) return tooManyRequests({ errors: { code: verdict.message }, values: form.values }, verdict);
  const found = await openWorkshop(form.data.code, address);
  if (!found.workshop) {
    const values = { ...form.values, code: found.code };
    if (found.status === 429) return tooManyRequests({ errors: { code: found.error }, values }, { allowed: false, message: found.error!, retryAfterSeconds: found.retryAfter! });
    return Response.json({ errors: { code: found.error }, values }, { status: found.status });
  }
  const workshop = found.workshop;
  // A phone without a device cookie gets one only when it is let in. Its token is made from a
  // seed the first answer keeps, so the form sent again (twice at once, or by a browser that
  // dropped the first answer) is answered with the same device and makes one participant (ADR 016).
  const mint = await deviceTokenMinter();
  const read = readSubmission(formData, null, device ? `device:${hashDeviceToken(device)}` : "new-device", `join:${workshop.id}`, "join");
  if (!read.ok) return Response.json({ errors: { code: read.message }, values: form.values }, { status: 400 });
  const once = await answerOnce<{ location?: string; refusal?: string; seed?: string }>(db(), read.submission, async (trx) => {
    const seed = device ? undefined : newDeviceSeed();
    // Anonymous by design: the participant row holds a hash of the device token, never an account.
    const joined = await joinWorkshop(trx, {
      workshopId: workshop.id,
      tokenHash: hashDeviceToken(device ?? mint(seed!)),
      displayName: form.data.displayName,
      standing: workshop.askStanding ? (form.data.standing as Standing | null) : null,
    });
    return joined.joined ? { status: 302, body: { location: `/w/${workshop.code}`, seed } } : { status: 403, body: { refusal: joined.refusal } };
  });
  if (once.kind === "reused") return Response.json({ errors: { code: KEY_REUSED_MESSAGE }, values: form.values }, { status: 422 });
  const body = once.answer.body;
  if (once.answer.status !== 302) return Response.json({ errors: { code: body.refusal }, values: { ...form.values, code: found.code } }, { status: once.answer.status });
  // Not structural: a room joining at once must not rebuild the snapshot for every new phone;
  // the count and the facilitator's list catch up with the next coalesced broadcast.
  if (once.kind === "first") announceWorkshopChange(workshop.id);
  const headers = new Headers();
  if (body.seed) headers.set("Set-Cookie", await deviceCookieHeader(request, mint(body.seed)));
  if (once.kind === "repeat") headers.set(REPLAYED_HEADER, "true");
  return redirect(body.location!, { headers });
}

export default function Join() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<{ errors: Record<string, string>; values: Record<string, string> }>();
  const errors = result?.errors ?? (data.error ? { code: data.error } : {});
  return (
    <>
      <h1>
        {data.title ? (
          <>
            Join “<bdi>{data.title}</bdi>”
          </>
        ) : (
          "Join a workshop"
        )}
      </h1>
      <p className="muted">No account needed. Your answers are anonymous: the facilitator sees totals, never who chose what.</p>
      <LivePrivacyStatement k={data.k} />
      <Form method="post" className="stack" noValidate>
        <IdempotencyKeyField value={formKey(data.pageKey, "join")} />
        <TextField
          name="code"
          label="Workshop code"
          hint="6 characters, shown on the screen."
          autoComplete="off"
          autoCapitalize="characters"
          inputMode="text"
          maxLength={12}
          defaultValue={result?.values.code ?? data.code}
          error={errors.code}
          className="code-input"
        />
        <TextField
          name="displayName"
          label="Your name (optional)"
          hint="Shown only with arguments you send, never with your votes."
          maxLength={codeUnitCap(TEXT_LIMITS.participantName)}
          defaultValue={result?.values.displayName}
          error={errors.displayName}
        />
        {data.askStanding ? (
          <div className="field">
            <label htmlFor="standing">Your standing at work (optional)</label>
            <select id="standing" name="standing" defaultValue={result?.values.standing ?? ""}>
              <StandingOptions />
            </select>
            {errors.standing ? <p className="field-error">{errors.standing}</p> : null}
          </div>
        ) : null}
        <div>
          <SendButton sendingKey={formKey(data.pageKey, "join")}>Join</SendButton>
        </div>
      </Form>
    </>
  );
}
