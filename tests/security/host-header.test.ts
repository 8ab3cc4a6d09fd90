/**
 * A Host header that is no host name cannot make a URL: the server must say so with a 400,
 * never a 500 with a stack trace in its log (one per request, so a cheap way to flood it).
 */
import { expect, test } from "@playwright/test";
import { rawRequest } from "./raw-http";

const MALFORMED_HOSTS = ["a b", "a<b", "x:99999", "[::1", "a%b", "a^b"];

test("a malformed Host header gets a 400 with a message on pages and forms, never a 500", async () => {
  for (const host of MALFORMED_HOSTS) {
    for (const [method, path] of [
      ["GET", "/"],
      ["GET", "/cases/background-check.data"],
      ["POST", "/login"],
    ] as const) {
      const response = await rawRequest({ method, path, from: "127.0.0.1", headers: { Host: host }, body: method === "POST" ? "email=a%40b.c&password=x" : undefined });
      expect(response.status, `${method} ${path} with Host: ${host}`).toBe(400);
      expect(response.body).toContain("Host header");
    }
  }
});
