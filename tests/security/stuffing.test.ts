/**
 * Guessing join codes and stuffing a room's ballot, against the built server over HTTP: every
 * door that looks a join code up is rate-limited the same way, and a facilitator has working
 * defences (lock, capacity, joins per minute, void a burst). Removed phones and signed-out
 * facilitators lose their live streams at once.
 *
 * Each test sends from its own network (X-Forwarded-For; the suite's server trusts the loopback
 * proxy), so spending a budget on purpose never blocks the other tests on 127.0.0.1.
 */
import { expect, request, test, type APIRequestContext } from "@playwright/test";
import { advanceTo, baseURL, contextFor, control, cookieHeader, createWorkshop, fixtures, get, phoneOptionId, postForm, signUp, unique, type WorkshopFixture } from "./helpers";

test.describe.configure({ mode: "parallel" });

const GUESS_MESSAGE = "Too many wrong workshop codes from your network. Wait a few minutes, then check the code on the screen.";
let networks = 0;
/** A network nobody else in the suite uses. */
function newNetwork(): string {
  networks += 1;
  return `10.${50 + test.info().workerIndex}.${networks}.${Math.floor(Math.random() * 250) + 1}`;
}

async function contextFrom(network: string, storageState?: string): Promise<APIRequestContext> {
  return request.newContext({ baseURL, storageState, extraHTTPHeaders: { "X-Forwarded-For": network } });
}

/** Codes in the join-code alphabet that no workshop has (the suite's rooms are few; a clash is checked). */
function unknownCodes(n: number, taken: string[]): string[] {
  const alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
  const codes: string[] = [];
  while (codes.length < n) {
    const code = Array.from({ length: 6 }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join("");
    if (!taken.includes(code) && !codes.includes(code)) codes.push(code);
  }
  return codes;
}

interface Answer {
  status: number;
  retryAfter: string | undefined;
  setCookie: string | undefined;
  body: string;
}

/** The doors that look a join code up, each sending one request for `code` from `ctx`. */
const DOORS: Record<string, (ctx: APIRequestContext, code: string) => Promise<Answer>> = {
  "GET /join/:code": async (ctx, code) => answer(await get(ctx, `/join/${code}`)),
  "GET /join/:code.data": async (ctx, code) => answer(await get(ctx, `/join/${code}.data`)),
  "POST /join": async (ctx, code) => answer(await postForm(ctx, "/join", { code, displayName: "", standing: "" })),
  "GET /w/:code": async (ctx, code) => answer(await get(ctx, `/w/${code}`)),
  "POST /w/:code": async (ctx, code) => answer(await postForm(ctx, `/w/${code}`, { intent: "vote" })),
  "POST /w/:code/vote": async (ctx, code) => answer(await postForm(ctx, `/w/${code}/vote`, { intent: "vote" })),
};

async function answer(response: Awaited<ReturnType<typeof get>>): Promise<Answer> {
  return { status: response.status(), retryAfter: response.headers()["retry-after"], setCookie: response.headers()["set-cookie"], body: await response.text() };
}

for (const [door, send] of Object.entries(DOORS)) {
  test(`${door}: 30 unknown-code guesses end in 429 with Retry-After, and then the real code gets the same answer`, async () => {
    const f = fixtures();
    const guesser = await contextFrom(newNetwork());
    const answers: Answer[] = [];
    for (const code of unknownCodes(30, [f.workshop.code, f.otherWorkshop.code, f.joinWorkshop.code])) answers.push(await send(guesser, code));
    // The first guesses are told the code is wrong (never a 5xx); the budget then runs out.
    for (const a of answers.slice(0, 20)) expect([400, 404], a.body.slice(0, 200)).toContain(a.status);
    for (const a of answers.slice(20)) {
      expect(a.status).toBe(429);
      expect(Number(a.retryAfter)).toBeGreaterThan(0);
      expect(a.body).toContain(GUESS_MESSAGE.slice(0, 40));
    }
    // Only a join that lets a phone in gives it a device cookie: a guess gets none, at any door.
    for (const a of answers) expect(a.setCookie ?? "").not.toMatch(/casebook_device=/);
    // A real code now answers exactly as an unknown one: nothing left to learn.
    const real = await send(guesser, f.joinWorkshop.code);
    expect(real.status).toBe(429);
    expect(Number(real.retryAfter)).toBeGreaterThan(0);
    expect(real.body).toContain(GUESS_MESSAGE.slice(0, 40));
    await guesser.dispose();
  });
}

/** A workshop of this test's own, run by the fixture facilitator. */
async function ownRoom(title: string, extra: Record<string, string> = {}): Promise<{ facilitator: APIRequestContext; room: WorkshopFixture }> {
  const facilitator = await contextFor("facilitator");
  const room = await createWorkshop(facilitator, fixtures().cases.authz, title, extra);
  return { facilitator, room };
}

async function joinFrom(network: string, code: string, displayName = ""): Promise<{ ctx: APIRequestContext; status: number; body: string }> {
  const ctx = await contextFrom(network);
  const response = await postForm(ctx, "/join", { code, displayName, standing: "" });
  return { ctx, status: response.status(), body: await response.text() };
}

/** A vote for the option at `option` as both perspectives, by the ids the phone's page offers (ADR 017). */
const aVote = async (ctx: APIRequestContext, code: string, option: number) => ({
  intent: "vote",
  "option-employee": await phoneOptionId(ctx, code, "employee", option),
  "judgement-employee": "1",
  "option-employer": await phoneOptionId(ctx, code, "employer", option),
  "judgement-employer": "1",
});

test("a locked room refuses new phones with a message, its join page says so, and phones already in keep voting", async () => {
  const { facilitator, room } = await ownRoom("Locked room");
  const network = newNetwork();
  const inside = await joinFrom(network, room.code, "Inside");
  expect(inside.status).toBe(302);
  const lock = await control(facilitator, room.id, "lock-room");
  expect(lock.status()).toBe(200);
  expect(await (await get(facilitator, `/workshops/${room.id}`)).text()).toContain("The room is locked: nobody new can join");

  const late = await joinFrom(network, room.code, "Late");
  expect(late.status).toBe(403);
  expect(late.body).toContain("This room is locked: the facilitator is not letting anyone else join.");
  const page = await (await get(late.ctx, `/join/${room.code}`)).text();
  expect(page).toContain("This room is locked");

  await advanceTo(facilitator, room.id, "Vote, round 1");
  const voted = await postForm(inside.ctx, `/w/${room.code}/vote`, await aVote(inside.ctx, room.code, 0));
  expect(voted.status(), await voted.text()).toBe(200);
  for (const ctx of [facilitator, inside.ctx, late.ctx]) await ctx.dispose();
});

test("a room's capacity, set at creation, refuses the phone beyond it with a clear message", async () => {
  const { facilitator, room } = await ownRoom("Room for two", { capacity: "2" });
  const network = newNetwork();
  const phones = [await joinFrom(network, room.code), await joinFrom(network, room.code), await joinFrom(network, room.code)];
  expect(phones.map((p) => p.status)).toEqual([302, 302, 403]);
  expect(phones[2]!.body).toContain("This room is full (2 people). Ask the facilitator if you should be in.");
  const bad = await control(facilitator, room.id, "set-capacity", { capacity: "-1" });
  expect(bad.status()).toBe(400);
  expect(await bad.text()).toContain("Capacity must be a whole number from 1 to 10000");
  for (const ctx of [facilitator, ...phones.map((p) => p.ctx)]) await ctx.dispose();
});

test("void a burst: the control panel shows the burst, the confirmation its count, and the removed phones' votes leave the tallies together, at least k of them in every count", async () => {
  const { facilitator, room } = await ownRoom("Stuffed room");
  const script = newNetwork();
  await advanceTo(facilitator, room.id, "Vote, round 1");
  // k = 5 here: five removed voters who all voted in round 1 take five out of every count they are in, so they are withdrawn together (ADR 009).
  const stuffers = [];
  for (let i = 0; i < 5; i += 1) stuffers.push(await joinFrom(script, room.code));
  for (const s of stuffers) expect((await postForm(s.ctx, `/w/${room.code}/vote`, await aVote(s.ctx, room.code, 0))).status()).toBe(200);

  const panel = (await (await get(facilitator, `/workshops/${room.id}`)).text()).replace(/<!-- -->/g, "");
  expect(panel).toContain("5 phones joined in the last minute.");

  const preview = await control(facilitator, room.id, "void-burst", { minutes: "1" });
  const previewPage = (await preview.text()).replace(/<!-- -->/g, "");
  expect(previewPage).toContain("5 phones joined in the last 1 minute. Confirm below to remove them.");
  expect(previewPage).toContain("Remove 5 phones");
  // The confirmation form carries the window the count was made for.
  const since = /name="since" value="([^"]+)"/.exec(previewPage)?.[1];
  const until = /name="until" value="([^"]+)"/.exec(previewPage)?.[1];
  expect(since && until).toBeTruthy();
  // People who join after the count are not part of what the facilitator confirmed.
  const honest = [];
  for (let i = 0; i < 5; i += 1) honest.push(await joinFrom(newNetwork(), room.code, `Honest ${i}`));
  for (const h of honest) expect((await postForm(h.ctx, `/w/${room.code}/vote`, await aVote(h.ctx, room.code, 1))).status()).toBe(200);
  const removed = await control(facilitator, room.id, "void-burst-confirm", { since: since!, until: until!, confirm: "yes" });
  expect((await removed.text()).replace(/<!-- -->/g, "")).toContain("Removed 5 phones: they cannot vote again.");

  const csv = await (await get(facilitator, `/workshops/${room.id}/positions.csv`)).text();
  const rows = csv.trim().split("\r\n").slice(1);
  expect(rows.length).toBe(10); // the honest phones' two perspectives only: the five stuffed phones' ten rows left together
  // A removed phone's page offers no vote form: its vote is the one a phone still in would send.
  const again = await postForm(stuffers[0]!.ctx, `/w/${room.code}/vote`, await aVote(honest[0]!.ctx, room.code, 0));
  expect(again.status()).toBe(403);
  expect(await again.text()).toContain("The facilitator removed you from this workshop.");
  for (const ctx of [facilitator, ...honest.map((h) => h.ctx), ...stuffers.map((s) => s.ctx)]) await ctx.dispose();
});

/** Opens a stream with the context's cookies and collects its events until it ends or `ms` pass. */
async function readStream(ctx: APIRequestContext, path: string, network: string) {
  const abort = new AbortController();
  const response = await fetch(baseURL + path, { headers: { Cookie: await cookieHeader(ctx), "X-Forwarded-For": network }, signal: abort.signal });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let closed = false;
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
    } catch {
      // Aborted by the test.
    }
    closed = true;
  })();
  return {
    events: () => [...text.matchAll(/^event: (.*)$/gm)].map((m) => m[1]),
    text: () => text,
    isClosed: () => closed,
    async closedWithin(ms: number): Promise<boolean> {
      await Promise.race([pump, new Promise((r) => setTimeout(r, ms))]);
      return closed;
    },
    hangUp: () => abort.abort(),
  };
}

test("a removed phone's open stream is told it was removed and closes; it gets no further room state", async () => {
  const { facilitator, room } = await ownRoom("Removal on air");
  const network = newNetwork();
  const phone = await joinFrom(network, room.code, `Removed ${unique("p")}`);
  const stream = await readStream(phone.ctx, `/workshops/${room.id}/events`, network);
  await expect.poll(() => stream.events()).toContain("state");
  const panel = await (await get(facilitator, `/workshops/${room.id}`)).text();
  const participantId = /name="participantId" value="(\d+)"/.exec(panel)?.[1];
  expect(participantId).toBeTruthy();
  expect((await control(facilitator, room.id, "remove-participant", { participantId: participantId! })).status()).toBe(200);
  expect(await stream.closedWithin(5_000)).toBe(true);
  expect(stream.events().at(-1)).toBe("withdrawn");
  expect(stream.text()).toContain("The facilitator removed you from this workshop.");
  const seen = stream.events().length;
  await control(facilitator, room.id, "next");
  await new Promise((r) => setTimeout(r, 300));
  expect(stream.events().length).toBe(seen);
  for (const ctx of [facilitator, phone.ctx]) await ctx.dispose();
});

test("signing a facilitator out closes their control panel's and projector's streams", async () => {
  const network = newNetwork();
  const person = await contextFrom(network);
  const email = `${unique("streamer")}@security.test`;
  await signUp(person, { email, name: "Stella Streamer" });
  const admin = await contextFor("admin");
  const adminPage = await (await get(admin, "/admin")).text();
  const id = new RegExp(`<td>${email}</td>[\\s\\S]*?id="role-(\\d+)"`).exec(adminPage)?.[1];
  expect(id).toBeTruthy();
  expect(await (await postForm(admin, "/admin", { userId: id!, role: "facilitator" })).text()).toContain("is now facilitator");
  const room = await createWorkshop(person, fixtures().cases.authz, "Signed out on air");
  const panelStream = await readStream(person, `/workshops/${room.id}/events`, network);
  const projectorStream = await readStream(person, `/workshops/${room.id}/events?view=room`, network);
  await expect.poll(() => panelStream.events()).toContain("state");
  const loggedOut = await postForm(person, "/logout", {});
  expect(loggedOut.status()).toBe(302);
  expect(await panelStream.closedWithin(5_000)).toBe(true);
  expect(await projectorStream.closedWithin(5_000)).toBe(true);
  expect(panelStream.events().at(-1)).toBe("withdrawn");
  for (const ctx of [person, admin]) await ctx.dispose();
});
