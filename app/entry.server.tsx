import { PassThrough } from "node:stream";
import { randomBytes } from "node:crypto";
import type { AppLoadContext, EntryContext, HandleErrorFunction } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { isConnectionLoss } from "../db/connection-loss";
import { errorFields, log } from "./platform/log.server";
import { NonceProvider } from "./http/nonce";
import { securityHeaders } from "./http/security-headers";
import { readConfig } from "./platform/config.server";

const ABORT_DELAY = 5_000;

/**
 * Errors thrown by loaders and actions, logged as Remix does by default, except a lost database
 * connection: the outage logs one line when it starts and one when it ends (ADR 019), and the
 * request is answered 503 (request-body.server.ts), so a stack trace per request would only bury it.
 */
export const handleError: HandleErrorFunction = (error, { request }) => {
  if (request.signal.aborted || isConnectionLoss(error)) return;
  log().error({ event: "request-failed", method: request.method, path: new URL(request.url).pathname, ...errorFields(error) }, "A page or form failed");
};

export default function handleRequest(request: Request, responseStatusCode: number, responseHeaders: Headers, remixContext: EntryContext, _loadContext: AppLoadContext) {
  const nonce = randomBytes(16).toString("base64");
  for (const [name, value] of Object.entries(securityHeaders(nonce, { development: !readConfig().production }))) {
    responseHeaders.set(name, value);
  }
  // Bots get the whole page at once; browsers get it streamed as soon as the shell is ready.
  const forBot = isbot(request.headers.get("user-agent") || "");

  return new Promise((resolve, reject) => {
    let shellRendered = false;
    // Cleared once everything is rendered: a pending timer keeps the whole render reachable
    // (and so out of the young generation's cheap collections) for ABORT_DELAY. Set first, so
    // any callback can clear it; `abort`, assigned just below, is long there when it fires.
    const abortTimer = setTimeout(() => abort(), ABORT_DELAY);
    const startBody = () => {
      shellRendered = true;
      const body = new PassThrough();
      responseHeaders.set("Content-Type", "text/html; charset=utf-8");
      resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
      pipe(body);
    };
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceProvider>,
      {
        nonce,
        onShellReady() {
          if (!forBot) startBody();
        },
        onAllReady() {
          clearTimeout(abortTimer);
          if (forBot) startBody();
        },
        onShellError(error: unknown) {
          clearTimeout(abortTimer);
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // Errors after the shell are already streaming; log them, the error boundary shows the page.
          if (shellRendered) log().error({ event: "render-failed", ...errorFields(error) }, "Rendering a streamed page failed");
        },
      },
    );
  });
}
