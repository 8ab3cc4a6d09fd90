import { expect, test, type Page } from "@playwright/test";
import { logInAsNew } from "./utils";
import { createWorkshopOnPanel, joinOnPhone, vote } from "./workshop-helpers";

/** One line of each role's brief in cases/the-shouting-caller.md: each phone must see its own and never the other. */
const BRIEF_LINE = {
  Employee: "You have been sworn at four times today.",
  Employer: "Two advisers resigned last month",
} as const;
type RoleName = keyof typeof BRIEF_LINE;
const other = (role: RoleName): RoleName => (role === "Employee" ? "Employer" : "Employee");

/** The role a phone's card names, after checking it shows that role's brief and not the other's. */
async function roleCardOf(phone: Page): Promise<RoleName> {
  const card = phone.getByTestId("role-card");
  await expect(card).toBeVisible();
  const role = ((await card.getByRole("heading", { level: 2 }).textContent()) ?? "").replace("Your role: ", "").trim() as RoleName;
  expect(["Employee", "Employer"]).toContain(role);
  await expect(card).toContainText(BRIEF_LINE[role]);
  await expect(phone.locator("body")).not.toContainText(BRIEF_LINE[other(role)]);
  return role;
}

test("a facilitator runs a role-play with six phones: roles assigned, each phone its own role card, one person moved, a step timer on the projector and the phones", async ({ browser }) => {
  test.setTimeout(120_000);
  const facilitator = await browser.newContext();
  const panel = await facilitator.newPage();
  await logInAsNew(panel, "admin", "A facilitating admin");
  await panel.goto("/workshops");

  // A case without role briefs cannot be run as role-play: refused with a message on the field.
  await panel.getByLabel("Case", { exact: true }).selectOption("background-check");
  await panel.getByLabel("Title", { exact: true }).fill("Contact centre role-play");
  await panel.getByRole("checkbox", { name: /Run as role-play/ }).check();
  await panel.getByRole("button", { name: "Create workshop" }).click();
  await expect(panel.getByText(/This case has no role briefs for two perspectives/)).toBeVisible();

  await panel.getByLabel("Case", { exact: true }).selectOption("the-shouting-caller");
  await expect(panel.getByLabel("Case", { exact: true }).locator("option:checked")).toHaveText("The shouting caller · role-play");
  await panel.getByLabel("Title", { exact: true }).fill("Contact centre role-play");
  await panel.getByRole("checkbox", { name: /Run as role-play/ }).check();
  await panel.getByRole("button", { name: "Create workshop" }).click();
  await expect(panel.getByRole("heading", { level: 1, name: "Contact centre role-play" })).toBeVisible();
  const code = (await panel.locator(".join-code").first().textContent())!.trim();
  const workshopUrl = panel.url();
  const projector = await facilitator.newPage();
  await projector.goto(`${workshopUrl}/projector`);
  await expect(projector.getByText("Role-play: Employee and Employer. Roles are assigned soon.")).toBeVisible();

  // Five phones with JavaScript, one without.
  const people = [
    ["Ana", "frontline"],
    ["Ben", "frontline"],
    ["Chi", "frontline"],
    ["Dee", "manager"],
    ["Eve", "hr"],
  ] as const;
  const phones = new Map<string, Page>();
  for (const [name, standing] of people) phones.set(name, await joinOnPhone(browser, code, name, standing));
  const noScript = await (await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } })).newPage();
  await noScript.goto(`/join/${code}`);
  await noScript.getByLabel("Your name (optional)").fill("Nadia");
  await noScript.getByLabel("Your standing at work (optional)").selectOption("manager");
  await noScript.getByRole("button", { name: "Join" }).click();
  await expect(noScript.getByRole("heading", { level: 1, name: /Lobby/ })).toBeVisible();
  await expect(noScript.getByTestId("role-pending")).toBeVisible();
  phones.set("Nadia", noScript);
  await expect(phones.get("Ana")!.getByTestId("role-pending")).toBeVisible();

  // The facilitator's list shows names (and, once assigned, roles), never a standing.
  const list = panel.locator("ul.participant-list");
  /** A person's row of the participant list, by their exact name. */
  const row = (name: string) => list.locator(":scope > li").filter({ has: panel.locator(":scope > bdi", { hasText: new RegExp(`^${name}$`) }) });
  await expect(list.locator(":scope > li")).toHaveCount(6);
  for (const standing of ["frontline", "Front line", "manager", "Manager", "hr", "HR"]) await expect(list).not.toContainText(standing);

  await panel.getByRole("button", { name: "Assign roles", exact: true }).click();
  await expect(panel.getByTestId("role-counts")).toContainText("Roles: Employee 3, Employer 3.");
  await expect(panel.getByRole("button", { name: "Assign roles again" })).toBeVisible();
  // The facilitator of this room reads both briefs; the projector none.
  await expect(panel.getByTestId("room-role-briefs")).toContainText(BRIEF_LINE.Employee);
  await expect(panel.getByTestId("room-role-briefs")).toContainText(BRIEF_LINE.Employer);
  await expect(projector.getByText("Role-play: Employee and Employer. Your phone shows your role card.")).toBeVisible();
  for (const line of Object.values(BRIEF_LINE)) await expect(projector.locator("body")).not.toContainText(line);

  // Each phone shows its own role card, as the control panel lists it (the phone without JavaScript after a reload).
  await noScript.reload();
  const roles = new Map<string, RoleName>();
  for (const [name, phone] of phones) {
    const role = await roleCardOf(phone);
    roles.set(name, role);
    await expect(row(name).getByTestId("participant-role")).toHaveText(new RegExp(`· ${role}$`));
  }
  expect([...roles.values()].filter((r) => r === "Employee")).toHaveLength(3);

  // The facilitator moves Ana to the other role: her phone follows without a reload.
  const anaWas = roles.get("Ana")!;
  await row("Ana")
    .getByRole("button", { name: `Move Ana to ${other(anaWas)}` })
    .click();
  await expect(row("Ana").getByTestId("participant-role")).toHaveText(new RegExp(`· ${other(anaWas)}$`));
  await expect(panel.getByTestId("role-counts")).toContainText(anaWas === "Employee" ? "Employee 2, Employer 4" : "Employee 4, Employer 2");
  await expect(phones.get("Ana")!.getByTestId("role-card").getByRole("heading", { level: 2 })).toHaveText(`Your role: ${other(anaWas)}`);
  expect(await roleCardOf(phones.get("Ana")!)).toBe(other(anaWas));

  // A five-minute step timer: the projector and the phones count down; without JavaScript the phone says how long is left.
  await panel.getByLabel("Minutes", { exact: true }).fill("5");
  await panel.getByRole("button", { name: "Start timer" }).click();
  await expect(panel.getByRole("status").filter({ hasText: "Timer started: 5 minutes." }).first()).toBeAttached();
  await expect(projector.getByTestId("step-timer-clock")).toHaveText(/^[45]:\d\d$/);
  await expect(phones.get("Ben")!.getByTestId("step-timer-clock")).toHaveText(/^[45]:\d\d$/);
  const before = await projector.getByTestId("step-timer-clock").textContent();
  await expect(projector.getByTestId("step-timer-clock")).not.toHaveText(before!, { timeout: 3_000 });
  await noScript.reload();
  await expect(noScript.getByTestId("step-timer-text")).toHaveText(/^About [45] minutes left\.$/);
  await expect(noScript.getByTestId("step-timer")).toContainText(/until \d\d:\d\d UTC/);

  // Moving on stops the step's timer everywhere.
  await panel.getByRole("button", { name: "Next stage →" }).click();
  await expect(projector.getByTestId("step-timer-clock")).toHaveCount(0);
  await facilitator.close();
});

/** A token in each person's steelman, to follow it without their name. */
const token = (name: string) => `steelman-${name.length}${name.charCodeAt(0)}${name.charCodeAt(1)}`;

/** One line of each role's rehearsal prompt and of its model answers in cases/the-shouting-caller.md. */
const PROMPT_LINE = { Employee: "Write the words you say next.", Employer: "Write what you say to her." } as const;
const MODEL_LINE = { Employee: "I can hear how much this has cost your family", Employer: "You did not do anything wrong." } as const;

test("a facilitator runs six phones (one without JavaScript) through before, the role-play with its steelman and rehearsal, the swap and the debrief with model answers, and sees whether the empathy gap moved", async ({
  browser,
}) => {
  test.setTimeout(420_000);
  const facilitator = await browser.newContext();
  const panel = await facilitator.newPage();
  await logInAsNew(panel, "admin", "A swapping admin");
  const code = await createWorkshopOnPanel(panel, "Swap role-play", { caseSlug: "the-shouting-caller", fill: (form) => form.getByRole("checkbox", { name: /Run as role-play/ }).check() });
  const workshopUrl = panel.url();
  const projector = await facilitator.newPage();
  await projector.goto(`${workshopUrl}/projector`);

  const people = [
    ["Ana", "frontline"],
    ["Ben", "frontline"],
    ["Chi", "frontline"],
    ["Dee", "manager"],
    ["Eve", "manager"],
    ["Fay", "hr"],
  ] as const;
  const phones = new Map<string, Page>();
  for (const [name, standing] of people.slice(0, 5)) phones.set(name, await joinOnPhone(browser, code, name, standing));
  // Fay's phone has no JavaScript: plain forms, and she reloads to follow the room.
  const noScript = await (await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } })).newPage();
  await noScript.goto(`/join/${code}`);
  await noScript.getByLabel("Your name (optional)").fill("Fay");
  await noScript.getByLabel("Your standing at work (optional)").selectOption("hr");
  await noScript.getByRole("button", { name: "Join" }).click();
  await expect(noScript.getByRole("heading", { level: 1, name: /Lobby/ })).toBeVisible();
  phones.set("Fay", noScript);
  /** A phone as it is now: the one without JavaScript reloads first. */
  const fresh = async (phone: Page) => {
    if (phone === noScript) await noScript.reload();
    return phone;
  };
  await panel.getByRole("button", { name: "Assign roles", exact: true }).click();
  await expect(panel.getByTestId("role-counts")).toContainText("Roles: Employee 3, Employer 3.");
  const before = new Map<string, RoleName>();
  for (const [name, phone] of phones) before.set(name, await roleCardOf(await fresh(phone)));

  /** Every phone votes the same: the employee's and the employer's judgement by label. */
  const everyoneVotes = async (employee: string, employer: string) => {
    for (const phone of phones.values()) await vote(await fresh(phone), { option: 0, judgement: employee }, { option: 0, judgement: employer });
  };
  const nextTo = async (stage: string) => {
    await panel.getByRole("button", { name: "Next stage →" }).click();
    await expect(panel.getByRole("heading", { level: 2, name: new RegExp(`^Now: ${stage}`) })).toBeVisible();
  };

  // Before the role-play (round 1): the room is kind to the employee as the employee, hard as the employer.
  for (const part of [1, 2, 3]) await nextTo(`Case, part ${part} of 3`);
  await nextTo("Vote, round 1");
  await everyoneVotes("Clearly right", "Clearly wrong");
  // The role-play: the discussion, the steelman and the rehearsal, then round 2.
  await nextTo("Results, round 1");
  await nextTo("Discussion");

  // Steelman: everyone makes the other role's best case; nobody's name goes with it.
  await nextTo("Steelman: make the other side's best case");
  for (const [name, phone] of phones) {
    await fresh(phone);
    await expect(phone.getByTestId("text-step-steelman")).toContainText(`strongest case you can for the ${other(before.get(name)!)}`);
    await phone.getByLabel("The other side's best case").fill(`The ${other(before.get(name)!)} side at its best (${token(name)})`);
    await phone.getByRole("button", { name: "Send", exact: true }).click();
    await expect(phone.getByRole("status").filter({ hasText: "Your steelman is in." })).toBeVisible();
  }
  await expect(panel.getByTestId("text-steps-panel")).toContainText("Steelmen (6 shown)");
  // The people playing the side a steelman argues for rate it "fair to us": employers 5, employees 3.
  await nextTo("Steelman: rate how fair they are to you");
  for (const [name, phone] of phones) {
    await fresh(phone);
    const forms = phone.locator("form.rate-form");
    await expect(forms).toHaveCount(3);
    // The section names what is rated: others' steelmen, not "Your steelman".
    await expect(phone.getByTestId("text-step-steelman").getByRole("heading", { level: 2 })).toHaveText("Steelmen written for your side");
    // Written for this phone's role by the other role, never its own, and no author's name.
    for (const [author] of phones) {
      const step = phone.getByTestId("text-step-steelman");
      if (before.get(author) === before.get(name)) await expect(step).not.toContainText(token(author));
      else await expect(step).toContainText(token(author));
      await expect(step).not.toContainText(new RegExp(`\\b${author}\\b`));
    }
    for (let i = 0; i < 3; i += 1) {
      const form = forms.nth(i);
      const fair = before.get(name) === "Employer" ? "5: Fair to us: we could have written it" : "3: Partly fair";
      await form.getByRole("group", { name: "How fair is this to you?" }).getByLabel(fair).check();
      await form.getByRole("button", { name: "Rate" }).click();
      await expect(phone.locator("form.rate-form").nth(i).getByText("You rated this.")).toBeVisible();
    }
  }
  // No score while rating is open.
  await expect(projector.getByTestId("best-steelman")).toHaveCount(0);
  await nextTo("Steelman: the fairest to the other side");
  const bestSteelmen = projector.getByTestId("best-steelman");
  await expect(bestSteelmen.locator("li")).toHaveCount(3);
  await expect(bestSteelmen).toContainText("5 of 5 fair to the other side");
  await expect(bestSteelmen).not.toContainText("3 of 5");
  for (const [name] of phones) await expect(projector.locator("body")).not.toContainText(new RegExp(`\\b${name}\\b`));

  // Rehearsal: each phone its own role's prompt; the other side rates the lines on the rubric.
  await nextTo("Rehearsal: write what you would say");
  for (const [name, phone] of phones) {
    await fresh(phone);
    const role = before.get(name)!;
    await expect(phone.getByTestId("rehearsal-prompt")).toContainText(PROMPT_LINE[role]);
    await expect(phone.locator("body")).not.toContainText(PROMPT_LINE[other(role)]);
    await expect(phone.locator("body")).not.toContainText(MODEL_LINE[role]);
    await phone.getByLabel("What you would say").fill(role === "Employee" ? "I can hear you are angry; here is what I can do now." : "You did well; here is what changes next.");
    await phone.getByRole("button", { name: "Send", exact: true }).click();
    await expect(phone.getByRole("status").filter({ hasText: "Your lines are in." })).toBeVisible();
  }
  await nextTo("Rehearsal: rate the other side's lines");
  for (const [name, phone] of phones) {
    await fresh(phone);
    const forms = phone.locator("form.rate-form");
    await expect(forms).toHaveCount(3);
    await expect(phone.getByTestId("text-step-rehearsal").getByRole("heading", { level: 2 })).toHaveText("The other side's lines");
    for (let i = 0; i < 3; i += 1) {
      const form = forms.nth(i);
      await form
        .getByRole("group", { name: /Names the other person's feeling/ })
        .getByLabel("Yes")
        .check();
      await form
        .getByRole("group", { name: /Is honest about the rules/ })
        .getByLabel(before.get(name) === "Employer" ? "Yes" : "No")
        .check();
      await form
        .getByRole("group", { name: /Offers a next step/ })
        .getByLabel("Yes")
        .check();
      await form.getByRole("button", { name: "Rate" }).click();
      await expect(phone.locator("form.rate-form").nth(i).getByText("You rated this.")).toBeVisible();
    }
  }
  await nextTo("Rehearsal: the best lines");
  const bestLines = projector.getByTestId("best-rehearsal");
  await expect(bestLines.locator("li")).toHaveCount(3);
  await expect(bestLines).toContainText("3 of 3 criteria met");
  await expect(bestLines).toContainText("I can hear you are angry");
  await nextTo("Vote, round 2");
  await everyoneVotes("Mostly right", "Somewhat wrong");
  await nextTo("How the room moved");

  // The swap: every phone now shows the other role's card, without a reload.
  await panel.getByRole("button", { name: "Swap roles →" }).click();
  await expect(panel.getByRole("heading", { level: 2, name: /^Now: Roles swapped/ })).toBeVisible();
  await expect(panel.getByTestId("role-counts")).toContainText("Roles: Employee 3, Employer 3.");
  for (const [name, phone] of phones) {
    await fresh(phone);
    await expect(phone.getByTestId("role-card").getByRole("heading", { level: 2 })).toHaveText(`Your role: ${other(before.get(name)!)}`);
    expect(await roleCardOf(phone)).toBe(other(before.get(name)!));
    await expect(phone.getByTestId("role-swapped")).toBeVisible();
  }
  await nextTo("Vote, round 3");
  await everyoneVotes("Somewhat right", "Somewhat right");

  // The control panel shows the gap per phase and its changes while the room runs.
  const table = panel.getByTestId("phase-table");
  const gapRow = table.locator('tr[data-figure="gap"]');
  await expect(gapRow).toContainText("+6 (6 people)");
  await expect(gapRow.locator("td")).toHaveText(["+6 (6 people)", "+3 (6 people)", "0 (6 people)", "-3", "-3", "-6"]);
  await expect(table.locator('tr[data-figure="employer"] td')).toHaveText(["-3 (6 people)", "-1 (6 people)", "+1 (6 people)", "+2", "+2", "+4"]);
  // The room does not see it before the end.
  await expect(projector.getByTestId("phase-table")).toHaveCount(0);

  await panel.getByRole("checkbox", { name: /Yes, end the workshop/ }).check();
  await panel.getByRole("button", { name: "End workshop" }).click();
  await expect(projector.getByTestId("phase-table").locator('tr[data-figure="gap"] td')).toHaveText(["+6 (6 people)", "+3 (6 people)", "0 (6 people)", "-3", "-3", "-6"]);
  await expect(phones.get("Ana")!.getByTestId("phase-table").locator('tr[data-figure="gap"] td').first()).toHaveText("+6 (6 people)");

  // The end screens: the best texts and the author's model answers on the projector and the control panel.
  for (const screen of [projector, panel]) {
    await expect(screen.getByTestId("model-answers")).toContainText(MODEL_LINE.Employee);
    await expect(screen.getByTestId("model-answers")).toContainText(MODEL_LINE.Employer);
  }
  await expect(projector.getByTestId("best-steelman")).toContainText("5 of 5 fair to the other side");

  // The debrief says the same.
  const debrief = await (await panel.request.get(`${workshopUrl}/debrief.md`)).text();
  expect(debrief).toContain("## Steelmen: the other side's best case, rated by that side");
  expect(debrief).toMatch(/For the Employe[er], 5 of 5 fair to the other side:/);
  expect(debrief).toContain("## Rehearsal: the best lines, rated by the other side");
  expect(debrief).toContain("## Model answers from the case's author");
  expect(debrief).toContain(MODEL_LINE.Employer);
  for (const [name] of phones) expect(debrief).not.toMatch(new RegExp(`\\b${name}\\b`));
  expect(debrief).toContain("## Did the empathy gap move?");
  expect(debrief).toContain("| Empathy gap (employee minus employer) | +6 (6 people) | +3 (6 people) | 0 (6 people) | -3 | -3 | -6 |");
  expect(debrief).toContain("## Round 3 (after the swap)");
  await facilitator.close();
});
