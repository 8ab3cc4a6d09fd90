import { describe, expect, it } from "vitest";
import { readiness } from "../../app/domain/readiness";

describe("readiness", () => {
  it("is ready (200, ok) when the database answers, with or without Redis configured", () => {
    expect(readiness("ok", "ok")).toEqual({ httpStatus: 200, body: { status: "ok", database: "ok", redis: "ok" } });
    expect(readiness("ok", "not configured").httpStatus).toBe(200);
    expect(readiness("ok", "not configured").body.status).toBe("ok");
  });

  it("stays ready but says degraded when Redis is away or slow: a balancer must not take every process out", () => {
    expect(readiness("ok", "unreachable")).toEqual({ httpStatus: 200, body: { status: "degraded", database: "ok", redis: "unreachable" } });
    expect(readiness("ok", "timeout").body.status).toBe("degraded");
  });

  it("is unready (503) when the database does not answer, or not in time", () => {
    expect(readiness("unreachable", "ok")).toEqual({ httpStatus: 503, body: { status: "unavailable", database: "unreachable", redis: "ok" } });
    expect(readiness("timeout", "not configured").httpStatus).toBe(503);
  });
});
