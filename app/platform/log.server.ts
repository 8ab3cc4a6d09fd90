/**
 * Casebook's log: one JSON object per line on stdout (pino), with a level, a time, a message and,
 * for whatever is logged while a request is being handled, that request's id (`reqId`). The id
 * is the client's `X-Request-Id` when it is well formed (app/domain/request-id.ts), else a new
 * one; it is echoed in the response's `X-Request-Id`, so an operator can find the lines of a
 * request a user or the proxy reports. LOG_LEVEL sets the least severe level written (ADR 022).
 *
 * Outages are logged as one line when they start and one when they end, per kind (database,
 * Redis, live updates), never one per request (ADR 019, ADR 020), and without a `reqId`: they
 * are about the process (outsideRequest).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { NextFunction, Request, Response } from "express";
import pino, { type DestinationStream, type Logger } from "pino";
import { readConfig, type LogLevel } from "./config.server";
import { REQUEST_ID_HEADER, requestIdFrom } from "../domain/request-id";
import { singleton } from "./singleton.server";

export type { Logger };

/**
 * The request being handled, for the log lines written while it is: one per process (a
 * singleton), because server.js and the Remix build each bundle this module.
 */
const requestContext = () => singleton("request-context", () => new AsyncLocalStorage<{ reqId: string }>());

/**
 * A logger writing JSON lines to `destination` (stdout, synchronously, when omitted: lines written
 * just before the process exits are not lost). Every line carries `reqId` when written while a
 * request is handled (see requestIds()).
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      // "level":"warn" rather than 40: readable in a terminal and by grep.
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const store = requestContext().getStore();
        return store ? { reqId: store.reqId } : {};
      },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** The process's logger, at LOG_LEVEL ("info" when LOG_LEVEL is unset, or while the configuration is wrong: start-up reports that and stops). */
export function log(): Logger {
  return singleton("log", () => {
    let level: LogLevel = "info";
    try {
      level = readConfig().logLevel;
    } catch {
      // readConfigOrExit() at start-up names the bad variable and stops; until then, "info".
    }
    return createLogger(level);
  });
}

/**
 * Runs `fn` outside any request, so what it logs (now, or later from timers and sockets it sets
 * up) carries no `reqId`: for the process's own lines, such as an outage starting or ending,
 * which would otherwise carry the id of whichever request happened to set up the timer or open
 * the connection, possibly long finished.
 */
export function outsideRequest<T>(fn: () => T): T {
  return requestContext().exit(fn);
}

/** The id of the request being handled, or undefined outside one. */
export function currentRequestId(): string | undefined {
  return requestContext().getStore()?.reqId;
}

/**
 * Express middleware, first in the chain: gives each request its id (the client's X-Request-Id
 * when well formed, else a new UUID), sets it as the response's X-Request-Id and in
 * `res.locals.reqId`, and runs the rest of the request with it, so every log line written while
 * handling it carries it.
 */
export function requestIds() {
  return (req: Request, res: Response, next: NextFunction) => {
    const reqId = requestIdFrom(req.get(REQUEST_ID_HEADER));
    res.setHeader(REQUEST_ID_HEADER, reqId);
    res.locals.reqId = reqId;
    requestContext().run({ reqId }, next);
  };
}

/** An error as log fields: its message and stack under `err` (pino's serializer), or the value itself. */
export function errorFields(error: unknown): { err: unknown } {
  return { err: error instanceof Error ? error : new Error(String(error)) };
}
