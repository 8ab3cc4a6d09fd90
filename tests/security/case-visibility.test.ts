/**
 * Who sees which part of a case, by its status and the viewer's role: one test per status × visitor
 * × case route, the expected answer derived from `caseVisibility` (app/domain/permissions.ts).
 * The cases are this file's own, uploaded by the author: one published, one draft, one archived,
 * each with facilitator notes carrying a marker that must reach only the people the table allows.
 */
import { expect, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { can, caseVisibility, type CasePart, type CaseStatus, type Role } from "../../app/domain/permissions";
import { baseURL, contextFor, get, leakedInternals, postForm, ROLE_OF, unique, type VisitorName } from "./helpers";

const VIEWERS = ["anonymous", "participant", "facilitator", "author", "admin"] as const satisfies readonly VisitorName[];
type Viewer = (typeof VIEWERS)[number];
const STATUSES: readonly CaseStatus[] = ["published", "draft", "archived"];

const roleOf = (viewer: Viewer): Role | null => (viewer === "anonymous" ? null : ROLE_OF[viewer]);

interface VisibilityCase {
  slug: string;
  title: string;
  /** Written only in the case's facilitator notes. */
  notesMarker: string;
}

const made = {} as Record<CaseStatus, VisibilityCase>;

/** A real case file from the library, given a fresh slug, title and a marker in its facilitator notes. */
function caseFile(status: CaseStatus): { file: string; made: VisibilityCase } {
  const slug = unique(`visibility-${status}`);
  const title = `Visibility probe (${status}) ${slug.slice(-5)}`;
  const notesMarker = `NOTES-ONLY-${slug.toUpperCase()}`;
  const source = readFileSync(join(process.cwd(), "cases", "the-lockout.md"), "utf8")
    .replace(/^slug: .*$/m, `slug: ${slug}`)
    .replace(/^title: .*$/m, `title: ${title}`)
    .replace(/^## Facilitator notes\n/m, `## Facilitator notes\n\n${notesMarker}\n`);
  return { file: source, made: { slug, title, notesMarker } };
}

test.beforeAll(async () => {
  const author = await contextFor("author");
  try {
    for (const status of STATUSES) {
      const { file, made: probe } = caseFile(status);
      const upload = await author.post("/cases/upload", {
        multipart: { file: { name: `${probe.slug}.md`, mimeType: "text/markdown", buffer: Buffer.from(file) }, ...(status === "draft" ? {} : { publish: "on" }) },
        headers: { Origin: baseURL },
        maxRedirects: 0,
      });
      expect(upload.status(), (await upload.text()).slice(0, 500)).toBe(302);
      if (status === "archived") expect((await postForm(author, `/cases/${probe.slug}/edit`, { intent: "archive" })).status()).toBe(302);
      made[status] = probe;
    }
  } finally {
    await author.dispose();
  }
});

type Expected = "allow" | "login" | "forbidden" | "not-found" | "not-offered";

/** What the table says a viewer gets for one part of a case: hidden cases look missing, hidden parts of a visible one are refused. */
function expectedFor(status: CaseStatus, viewer: Viewer, part: CasePart): Expected {
  const role = roleOf(viewer);
  if (part === "workshop") {
    // /workshops itself is for people who run workshops; there, a case they may not use is simply not one of the choices.
    if (!can(role, "workshops.run")) return role ? "forbidden" : "login";
    return caseVisibility(status, role).workshop ? "allow" : "not-offered";
  }
  const visible = caseVisibility(status, role);
  if (!visible.page) return "not-found";
  if (!visible[part]) return role ? "forbidden" : "login";
  return "allow";
}

interface Route {
  part: CasePart;
  name: string;
  send: (ctx: APIRequestContext, probe: VisibilityCase) => Promise<APIResponse>;
  /** What an allowed viewer sees. */
  allowed: (body: string, response: APIResponse, probe: VisibilityCase) => void;
}

const ROUTES: readonly Route[] = [
  { part: "page", name: "GET /cases/:slug", send: (ctx, c) => get(ctx, `/cases/${c.slug}`), allowed: (body, _r, c) => expect(body).toContain(c.title) },
  { part: "page", name: "GET /cases/:slug.data", send: (ctx, c) => get(ctx, `/cases/${c.slug}.data`), allowed: (body, _r, c) => expect(body).toContain(c.title) },
  { part: "results", name: "GET /cases/:slug/results", send: (ctx, c) => get(ctx, `/cases/${c.slug}/results`), allowed: (body) => expect(body).toContain("Where people stand") },
  {
    part: "source",
    name: "GET /cases/:slug/source",
    send: (ctx, c) => get(ctx, `/cases/${c.slug}/source`),
    allowed: (body, response, c) => {
      expect(body).toContain(c.notesMarker);
      expect(response.headers()["content-type"]).toContain("text/markdown");
    },
  },
  { part: "source", name: "GET /cases/:slug/source?download=1", send: (ctx, c) => get(ctx, `/cases/${c.slug}/source?download=1`), allowed: (body, _r, c) => expect(body).toContain(c.notesMarker) },
  { part: "history", name: "GET /cases/:slug/history", send: (ctx, c) => get(ctx, `/cases/${c.slug}/history`), allowed: (body) => expect(body).toContain("History of") },
  { part: "edit", name: "GET /cases/:slug/edit", send: (ctx, c) => get(ctx, `/cases/${c.slug}/edit`), allowed: (body) => expect(body).toContain("Edit:") },
  { part: "edit", name: "GET /cases/:slug/edit.data", send: (ctx, c) => get(ctx, `/cases/${c.slug}/edit.data`), allowed: (body, _r, c) => expect(body).toContain(c.title) },
  {
    part: "debate",
    name: "POST /cases/:slug position",
    // Without an option the answer is refused on its field: it reaches the action's validation and writes nothing.
    send: (ctx, c) => postForm(ctx, `/cases/${c.slug}`, { intent: "position", perspective: "employee", option: "", judgement: "1", legal: "yes", confidence: "high" }),
    allowed: (body) => expect(body).toContain("Choose what you would do."),
  },
  {
    part: "workshop",
    name: "POST /workshops",
    send: (ctx, c) =>
      postForm(ctx, "/workshops", { caseSlug: c.slug, title: "Visibility probe room", perspectives: ["employee", "employer"], twoRounds: "on", resultsMode: "live", askStanding: "on" }),
    allowed: () => undefined,
  },
];

async function check(route: Route, status: CaseStatus, viewer: Viewer): Promise<void> {
  const probe = made[status];
  const expected = expectedFor(status, viewer, route.part);
  const ctx = await contextFor(viewer);
  try {
    const response = await route.send(ctx, probe);
    const body = await response.text();
    const location = response.headers()["location"] ?? "";
    expect(leakedInternals(body), "no internals in the response").toBeNull();
    const dataRequest = route.name.endsWith(".data");
    switch (expected) {
      case "allow":
        if (route.part === "workshop") {
          expect(response.status(), body.slice(0, 300)).toBe(302);
          expect(location).toMatch(/^\/workshops\/\d+$/);
        } else {
          expect([200, 400], body.slice(0, 300)).toContain(response.status());
          route.allowed(body, response, probe);
        }
        return;
      case "not-offered":
        expect(response.status(), body.slice(0, 300)).toBe(400);
        expect(body).toContain("Choose a case from the list.");
        break;
      case "not-found":
        expect(response.status(), body.slice(0, 300)).toBe(404);
        break;
      case "forbidden":
        expect(response.status(), body.slice(0, 300)).toBe(403);
        break;
      case "login":
        if (dataRequest) {
          // Single fetch answers a redirect with 202 and the target in the body.
          expect([202, 204, 302]).toContain(response.status());
          expect(body + location).toContain("/login?redirectTo=");
        } else {
          expect(response.status(), body.slice(0, 300)).toBe(302);
          expect(location).toMatch(/^\/login\?redirectTo=/);
        }
        break;
    }
    // Refused: nothing of the case comes back, least of all its notes.
    expect(body).not.toContain(probe.notesMarker);
    expect(body).not.toContain(probe.title);
  } finally {
    await ctx.dispose();
  }
}

for (const route of ROUTES) {
  test.describe(route.name, () => {
    for (const status of STATUSES) {
      for (const viewer of VIEWERS) {
        test(`${status} case, ${viewer}: ${expectedFor(status, viewer, route.part)}`, () => check(route, status, viewer));
      }
    }
  });
}

test.describe("the case page's parts", () => {
  for (const status of STATUSES) {
    for (const viewer of VIEWERS) {
      const visible = caseVisibility(status, roleOf(viewer));
      if (!visible.page) continue;
      test(`${status} case, ${viewer}: facilitator notes ${visible["facilitator-notes"] ? "shown" : "withheld"}, source link ${visible.source ? "shown" : "withheld"}`, async () => {
        const ctx = await contextFor(viewer);
        try {
          const page = await (await get(ctx, `/cases/${made[status].slug}`)).text();
          expect(page.includes(made[status].notesMarker), "the notes marker on the page").toBe(visible["facilitator-notes"]);
          expect(page.includes(`/cases/${made[status].slug}/source`), "a link to the source").toBe(visible.source);
        } finally {
          await ctx.dispose();
        }
      });
    }
  }
});

test.describe("the library", () => {
  for (const viewer of VIEWERS) {
    test(`${viewer} sees listed exactly the cases they may open`, async () => {
      const ctx = await contextFor(viewer);
      try {
        const library = await (await get(ctx, "/")).text();
        for (const status of STATUSES) {
          expect(library.includes(made[status].title), `${status} case listed`).toBe(caseVisibility(status, roleOf(viewer)).page);
        }
      } finally {
        await ctx.dispose();
      }
    });
  }
});

test("a facilitator gets 404 for a draft's source, as for every other page of the draft", async () => {
  const facilitator = await contextFor("facilitator");
  try {
    for (const path of [`/cases/${made.draft.slug}`, `/cases/${made.draft.slug}/source`, `/cases/${made.draft.slug}/source?download=1`]) {
      const response = await get(facilitator, path);
      const body = await response.text();
      expect(response.status(), path).toBe(404);
      expect(body, path).not.toContain(made.draft.notesMarker);
    }
  } finally {
    await facilitator.dispose();
  }
});
