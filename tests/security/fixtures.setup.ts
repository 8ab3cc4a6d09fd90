/**
 * Makes the people and workshops every security test uses, through HTTP only: the first sign-up
 * becomes the admin, the admin hands out roles at /admin, facilitators create workshops at
 * /workshops, and a phone joins at /join. Cookies are kept per visitor as storageState files.
 */
import { expect, request, test as setup } from "@playwright/test";
import { join } from "node:path";
import { ACCOUNTS, baseURL, createWorkshop, get, joinWorkshop, postForm, ROLE_OF, saveFixtures, securityDir, setProfile, signUp, type Account, type AccountName, type Fixtures } from "./helpers";

const NAMES: Record<AccountName, string> = {
  admin: "Ada Admin",
  participant: "Pat Participant",
  facilitator: "Fay Facilitator",
  "other-facilitator": "Oscar Otherfacilitator",
  author: "Aurora Author",
};

const CASES = { authz: "the-overpayment", archive: "the-lockout", privacy: "the-quiet-fix" };
const DRAFT_SLUG = "security-draft";

setup("accounts, roles, workshops and a joined phone, made over HTTP", async () => {
  setup.setTimeout(60_000);
  const dir = securityDir();
  const accounts = {} as Record<AccountName, Account>;
  const contexts = {} as Record<AccountName, Awaited<ReturnType<typeof request.newContext>>>;

  // The admin first: the first account on a fresh database becomes the admin.
  for (const name of ACCOUNTS) {
    const ctx = await request.newContext({ baseURL });
    const email = `${name}@security.test`;
    await signUp(ctx, { email, name: NAMES[name] });
    // Everyone declares a standing: the privacy tests count these accounts as managers.
    await setProfile(ctx, NAMES[name], "manager");
    contexts[name] = ctx;
    accounts[name] = { email, name: NAMES[name], id: 0, role: "participant" };
  }
  const admin = contexts.admin;
  const adminPage = await (await get(admin, "/admin")).text();
  expect(adminPage).toContain("People and roles");
  for (const name of ACCOUNTS) {
    const id = new RegExp(`<td>${accounts[name].email}</td>[\\s\\S]*?id="role-(\\d+)"`).exec(adminPage)?.[1];
    expect(id, `user id of ${name} on /admin`).toBeTruthy();
    accounts[name].id = Number(id);
    accounts[name].role = ROLE_OF[name];
    if (name === "admin" || name === "participant") continue;
    const response = await postForm(admin, "/admin", { userId: id!, role: ROLE_OF[name] });
    expect(await response.text()).toContain(`is now ${ROLE_OF[name]}`);
  }

  const workshop = await createWorkshop(contexts.facilitator, CASES.authz, "Authorization matrix room");
  const otherWorkshop = await createWorkshop(contexts["other-facilitator"], CASES.authz, "Someone else's room");
  const joinTarget = await createWorkshop(contexts.facilitator, CASES.authz, "Join probe room");

  const device = await request.newContext({ baseURL });
  await joinWorkshop(device, workshop.code, "Phone in the room", "frontline");

  // An argument by the participant (replies, edits) and one by the author (hidden and restored).
  const argumentIds: number[] = [];
  for (const name of ["participant", "author"] as const) {
    const response = await postForm(contexts[name], `/cases/${CASES.authz}`, { intent: "argument", perspective: "employee", side: "for", lens: "", body: `An argument by the ${name}.` });
    expect(response.status()).toBe(200);
    const page = await (await get(contexts[name], `/cases/${CASES.authz}?sort=newest`)).text();
    argumentIds.push(Math.max(...[...page.matchAll(/id="argument-(\d+)"/g)].map((m) => Number(m[1]))));
  }

  const draft = await postForm(contexts.author, "/cases/new", {
    intent: "save",
    title: "A security draft",
    slug: DRAFT_SLUG,
    summary: "Only authors and admins may see this draft.",
    tags: "security",
    "perspective-0-prompt": "You are the employee. What do you do?",
    "perspective-0-options": "Speak up\nStay quiet",
    "perspective-1-prompt": "You are the employer. What do you do?",
    "perspective-1-options": "Thank them\nIgnore it",
    judgement: "Was the employee right?",
    discussion: "Why?",
    stageCount: "1",
    "stage-0-title": "The only stage",
    "stage-0-body": "Something happened.",
    facilitatorNotes: "",
    sources: "",
  });
  expect(draft.status(), (await draft.text()).slice(0, 2000)).toBe(302);
  expect(draft.headers()["location"]).toBe(`/cases/${DRAFT_SLUG}`);

  const storage = {} as Fixtures["storage"];
  for (const name of ACCOUNTS) {
    storage[name] = join(dir, `${name}.json`);
    await contexts[name].storageState({ path: storage[name] });
    await contexts[name].dispose();
  }
  storage.device = join(dir, "device.json");
  await device.storageState({ path: storage.device });
  await device.dispose();

  saveFixtures({
    accounts,
    storage,
    workshop,
    otherWorkshop,
    joinWorkshop: joinTarget,
    cases: CASES,
    draftSlug: DRAFT_SLUG,
    argumentId: argumentIds[0]!,
    moderationArgumentId: argumentIds[1]!,
  });
});
