import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { baseURL } from "../../playwright.config";
import { logInAsNew } from "./utils";

/**
 * A stand-in for the reverse proxy in front of the app: passes everything through, or plays an
 * outage as a balancer answers it while every app process restarts (502 or 503 for every
 * request, streams cut) or as a network error (connections reset). Cookies ignore the port, so
 * a page opened through it keeps its session.
 */
async function outageProxy(targetPort: number) {
  let mode: "pass" | 502 | 503 | "reset" = "pass";
  const sockets = new Set<Socket>();
  let requestsDuringOutage = 0;
  const server = http.createServer((req, res) => {
    if (mode !== "pass") requestsDuringOutage += 1;
    if (mode === "reset") return req.socket.destroy();
    if (mode === 502 || mode === 503) {
      res.writeHead(mode, { "Content-Type": "text/html" });
      return res.end(`<h1>${mode === 502 ? "502 Bad Gateway" : "503 Service Unavailable"}</h1>`);
    }
    const upstream = http.request({ host: "127.0.0.1", port: targetPort, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** Every process goes away at once: open streams are cut, and the proxy answers `answer` until `restore`. */
    outage(answer: 502 | 503 | "reset") {
      mode = answer;
      requestsDuringOutage = 0;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      mode = "pass";
    },
    requestsDuringOutage: () => requestsDuringOutage,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function phoneJoins(browser: Browser, code: string, name: string, origin = baseURL): Promise<Page> {
  const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })).newPage();
  await phone.goto(`${origin}/join/${code}`);
  await phone.getByLabel("Your name (optional)").fill(name);
  await phone.getByRole("button", { name: "Join" }).click();
  await expect(phone.getByRole("status").filter({ hasText: "Live" })).toBeVisible();
  return phone;
}

async function voteOn(phone: Page) {
  // One perspective per screen: the employee, Next, then the employer.
  for (const perspective of ["employee", "employer"]) {
    const fieldset = phone.locator("fieldset.perspective").filter({ hasText: `As the ${perspective}:` });
    await fieldset.getByRole("radio").first().check();
    await fieldset.getByRole("radio", { name: "Clearly right", exact: true }).check();
    if (perspective === "employee") await phone.getByRole("button", { name: "Next", exact: true }).click();
  }
  await phone.getByRole("button", { name: "Send my vote" }).click();
  await expect(phone.getByRole("status").filter({ hasText: "Your vote is in." })).toBeVisible();
}

const liveStatus = (page: Page) => page.getByRole("status").filter({ hasText: /^(Live|Reconnecting…|Connecting…|Stopped: reload the page)$/ });

/**
 * A workshop whose facilitator's panel and one voting phone talk to the app directly, and whose
 * projector, a second control panel and the phones named in `watching` follow through the proxy.
 */
async function roomBehind(proxy: Awaited<ReturnType<typeof outageProxy>>, browser: Browser, title: string, watching: string[]) {
  const facilitator = await browser.newContext();
  const panel = await facilitator.newPage();
  await logInAsNew(panel, "facilitator", "Reconnecting Facilitator");
  await panel.goto("/workshops");
  await panel.getByLabel("Case", { exact: true }).selectOption("background-check");
  await panel.getByLabel("Title", { exact: true }).fill(title);
  await panel.getByRole("button", { name: "Create workshop" }).click();
  await expect(panel.getByRole("heading", { level: 1, name: title })).toBeVisible();
  const code = (await panel.locator(".join-code").first().textContent())!.trim();
  const workshopPath = new URL(panel.url()).pathname;
  const projector = await facilitator.newPage();
  await projector.goto(`${proxy.url}${workshopPath}/projector`);
  const watchingPanel = await facilitator.newPage();
  await watchingPanel.goto(`${proxy.url}${workshopPath}`);
  const phone = await phoneJoins(browser, code, "Ana");
  const phones = [];
  for (const name of watching) phones.push(await phoneJoins(browser, code, name, proxy.url));
  for (const page of [projector, watchingPanel]) await expect(liveStatus(page)).toHaveText("Live");
  await expect(projector.getByTestId("participant-count")).toHaveText(`${watching.length + 1} people have joined`);
  const next = async (stage: string) => {
    await panel.getByRole("button", { name: "Next stage →" }).click();
    await expect(panel.getByRole("heading", { level: 2, name: new RegExp(`^Now: ${stage}`) })).toBeVisible();
  };
  return { panel, projector, watchingPanel, phone, phones, next };
}

test("after every process restarts behind a balancer answering 502, the projector, the control panel and phones come back live by themselves, with the stages and the vote of the outage", async ({
  browser,
}) => {
  test.setTimeout(60_000);
  const proxy = await outageProxy(Number(new URL(baseURL).port));
  try {
    const { projector, watchingPanel, phone, phones, next } = await roomBehind(proxy, browser, "Restart drill", ["Ben"]);
    const watchingPhone = phones[0]!;
    const following = [projector, watchingPanel, watchingPhone];

    proxy.outage(502);
    for (const page of following) await expect(liveStatus(page)).toHaveText("Reconnecting…");
    for (const stage of ["Case, part 1 of 4", "Case, part 2 of 4", "Case, part 3 of 4", "Case, part 4 of 4", "Vote, round 1"]) await next(stage);
    await voteOn(phone);
    // It keeps trying (with backoff) instead of giving up on the first refusal.
    await expect.poll(() => proxy.requestsDuringOutage(), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    await expect(liveStatus(projector)).toHaveText("Reconnecting…");
    proxy.restore();
    // Back within the backoff's cap (4 s) with no reload: the vote cast during the outage is counted.
    for (const page of following) await expect(liveStatus(page)).toHaveText("Live", { timeout: 8_000 });
    await expect(projector.getByTestId("answered-count")).toHaveText(/^1 of 2 answered/);
    await expect(watchingPanel.getByRole("heading", { level: 2, name: /^Now: Vote, round 1/ })).toBeVisible();
    await expect(watchingPhone.getByRole("heading", { level: 1, name: "Vote, round 1" })).toBeVisible();
  } finally {
    await proxy.close();
  }
});

test("live pages also come back after a 503 and after connections are reset, and a phone removed meanwhile stops and says why", async ({ browser }) => {
  test.setTimeout(60_000);
  const proxy = await outageProxy(Number(new URL(baseURL).port));
  try {
    const { panel, projector, phones, next } = await roomBehind(proxy, browser, "Reset drill", ["Chi"]);
    const removedPhone = phones[0]!;

    proxy.outage(503);
    for (const page of [projector, removedPhone]) await expect(liveStatus(page)).toHaveText("Reconnecting…");
    await next("Case, part 1 of 4");
    // Removed while its stream was away: refused when it comes back, it stops instead of retrying for ever.
    const removeChi = panel.locator(".participant-list li").filter({ hasText: "Chi" }).locator("details");
    await removeChi.locator("summary").click();
    await removeChi.getByRole("button", { name: "Yes, remove Chi" }).click();
    await expect(panel.locator(".participant-list")).toContainText("Chi (removed)");
    await expect.poll(() => proxy.requestsDuringOutage(), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    proxy.restore();
    await expect(liveStatus(projector)).toHaveText("Live", { timeout: 8_000 });
    await expect(projector.locator(".projector")).toHaveAttribute("data-stage", "case-1");
    await expect(removedPhone.getByText("The facilitator removed you from this workshop.")).toBeVisible({ timeout: 8_000 });

    // A network error (connections reset): the browser alone would retry at a fixed pace; the page retries with backoff all the same.
    proxy.outage("reset");
    await expect(liveStatus(projector)).toHaveText("Reconnecting…");
    await next("Case, part 2 of 4");
    await expect.poll(() => proxy.requestsDuringOutage(), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    proxy.restore();
    await expect(liveStatus(projector)).toHaveText("Live", { timeout: 8_000 });
    await expect(projector.locator(".projector")).toHaveAttribute("data-stage", "case-2");
  } finally {
    await proxy.close();
  }
});
