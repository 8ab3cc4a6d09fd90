import { describe, expect, it } from "vitest";
import { isConnectionLoss } from "../../db/connection-loss";

const withCode = (code: string, message = "x") => Object.assign(new Error(message), { code });

describe("isConnectionLoss", () => {
  it("recognises a session ended by the server (pg_ctl stop -m fast / immediate, starting up)", () => {
    expect(isConnectionLoss(withCode("57P01", "terminating connection due to administrator command"))).toBe(true);
    expect(isConnectionLoss(withCode("57P02"))).toBe(true);
    expect(isConnectionLoss(withCode("57P03", "the database system is starting up"))).toBe(true);
    expect(isConnectionLoss(withCode("08006"))).toBe(true);
  });

  it("recognises a refused or dropped socket, and node-postgres's own messages", () => {
    expect(isConnectionLoss(withCode("ECONNREFUSED"))).toBe(true);
    expect(isConnectionLoss(withCode("ECONNRESET"))).toBe(true);
    expect(isConnectionLoss(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isConnectionLoss(new Error("Client has encountered a connection error and is not queryable"))).toBe(true);
    expect(isConnectionLoss(new Error("timeout exceeded when trying to connect"))).toBe(true);
  });

  it("looks inside an AggregateError (dual-stack connect) and a cause", () => {
    expect(isConnectionLoss(new AggregateError([withCode("ECONNREFUSED"), withCode("ECONNREFUSED")], ""))).toBe(true);
    expect(isConnectionLoss(new Error("query failed", { cause: withCode("57P01") }))).toBe(true);
  });

  it("leaves a wrong query, a constraint and a non-error alone (those stay 500s or 4xx)", () => {
    expect(isConnectionLoss(withCode("23505", "duplicate key value violates unique constraint"))).toBe(false);
    expect(isConnectionLoss(withCode("42P01", 'relation "nope" does not exist'))).toBe(false);
    expect(isConnectionLoss(withCode("SQLITE_BUSY"))).toBe(false);
    expect(isConnectionLoss(new Error("Connection to the workshop refused"))).toBe(false);
    expect(isConnectionLoss(null)).toBe(false);
    expect(isConnectionLoss("ECONNREFUSED")).toBe(false);
  });
});
