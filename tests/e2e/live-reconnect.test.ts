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
  for (const perspective of ["employee", "employer"]) {
    const fieldset = phone.locator("fieldset.perspective").filter({ hasText: `As the ${perspective}:` });
    await fieldset.getByRole("radio").first().check();
    await fieldset.getByRole("radio", { name: "Clearly right", exact: true }).check();
  }
  await phone.getByRole("button", { name: "Send my vote" }).click();
  await expect(phone.getByRole("status").filter({ hasText: "Your vote is in." })).toBeVisible();
}

test("the projector, the control panel and phones come back live by themselves after every process restarts (502, 503, reset), and show what happened meanwhile", async ({ browser }) => {
  test.setTimeout(60_000);
  const proxy = await outageProxy(Number(new URL(baseURL).port));
  try {
    const facilitator = await browser.newContext();
    const panel = await facilitator.newPage();
    await logInAsNew(panel, "facilitator", "Reconnecting Facilitator");
    await panel.goto("/workshops");
    await panel.getByLabel("Case", { exact: true }).selectOption("background-check");
    await panel.getByLabel("Title", { exact: true }).fill("Restart drill");
    await panel.getByRole("button", { name: "Create workshop" }).click();
    await expect(panel.getByRole("heading", { level: 1, name: "Restart drill" })).toBeVisible();
    const code = (await panel.locator(".join-code").first().textContent())!.trim();
    const workshopPath = new URL(panel.url()).pathname;

    // The projector, a second control panel and one phone follow through the proxy; the voting phone and the panel that acts do not.
    const projector = await facilitator.newPage();
    await projector.goto(`${proxy.url}${workshopPath}/projector`);
    const liveStatus = (page: Page) => page.getByRole("status").filter({ hasText: /^(Live|Reconnecting…|Connecting…|Stopped: reload the page)$/ });
    const projectorStatus = liveStatus(projector);
    await expect(projectorStatus).toHaveText("Live");
    const watchingPanel = await facilitator.newPage();
    await watchingPanel.goto(`${proxy.url}${workshopPath}`);
    await expect(liveStatus(watchingPanel)).toHaveText("Live");
    const phone = await phoneJoins(browser, code, "Ana");
    const watchingPhone = await phoneJoins(browser, code, "Ben", proxy.url);
    await expect(projector.getByTestId("participant-count")).toHaveText("2 people have joined");

    // Outage 1: the balancer answers 502 while the processes restart; a stage change and a vote happen meanwhile.
    proxy.outage(502);
    for (const page of [projector, watchingPanel, watchingPhone]) await expect(liveStatus(page)).toHaveText("Reconnecting…");
    for (const stage of ["Case, part 1 of 4", "Case, part 2 of 4", "Case, part 3 of 4", "Case, part 4 of 4", "Vote, round 1"]) {
      await panel.getByRole("button", { name: "Next stage →" }).click();
      await expect(panel.getByRole("heading", { level: 2, name: new RegExp(`^Now: ${stage}`) })).toBeVisible();
    }
    await voteOn(phone);
    // It keeps trying (with backoff) instead of giving up on the first refusal.
    await expect.poll(() => proxy.requestsDuringOutage(), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    await expect(projectorStatus).toHaveText("Reconnecting…");
    proxy.restore();
    // Back within the backoff's cap (5 s) with no reload: the vote cast during the outage is counted.
    for (const page of [projector, watchingPanel, watchingPhone]) await expect(liveStatus(page)).toHaveText("Live", { timeout: 8_000 });
    await expect(projector.getByTestId("answered-count")).toHaveText(/^1 of 2 answered/);
    await expect(watchingPanel.getByRole("heading", { level: 2, name: /^Now: Vote, round 1/ })).toBeVisible();
    await expect(watchingPhone.getByRole("heading", { level: 1, name: "Vote, round 1" })).toBeVisible();

    // Outage 2 and 3: a 503, then connections reset (a network error); the stage moves on meanwhile.
    for (const [answer, stage] of [
      [503, "Results, round 1"],
      ["reset", "Discussion"],
    ] as const) {
      proxy.outage(answer);
      await expect(projectorStatus).toHaveText("Reconnecting…");
      await panel.getByRole("button", { name: "Next stage →" }).click();
      await expect(panel.getByRole("heading", { level: 2, name: new RegExp(`^Now: ${stage}`) })).toBeVisible();
      await expect.poll(() => proxy.requestsDuringOutage(), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
      proxy.restore();
      await expect(projectorStatus).toHaveText("Live", { timeout: 8_000 });
      await expect(projector.locator(".projector")).toHaveAttribute("data-stage", stage === "Discussion" ? "discussion" : "results-1");
    }
  } finally {
    await proxy.close();
  }
});
