import { describe, expect, it } from "vitest";
import { isCrossSiteWrite } from "../../app/http/csrf";

const request = (overrides: Partial<Parameters<typeof isCrossSiteWrite>[0]>) => ({
  method: "POST",
  origin: "http://casebook.test",
  protocol: "http",
  host: "casebook.test",
  secFetchSite: "same-origin",
  ...overrides,
});

describe("isCrossSiteWrite", () => {
  it("lets a same-origin form post through", () => {
    expect(isCrossSiteWrite(request({}))).toBe(false);
  });
  it("refuses a post whose Origin is another site", () => {
    expect(isCrossSiteWrite(request({ origin: "https://evil.example", secFetchSite: null }))).toBe(true);
  });
  it("refuses a post from the same host over another scheme: an http page cannot write to the https site", () => {
    expect(isCrossSiteWrite(request({ origin: "http://casebook.test", protocol: "https", secFetchSite: null }))).toBe(true);
    expect(isCrossSiteWrite(request({ origin: "https://casebook.test", protocol: "http", secFetchSite: null }))).toBe(true);
    expect(isCrossSiteWrite(request({ origin: "https://casebook.test", protocol: "https" }))).toBe(false);
  });
  it("refuses a post from the same host on another port", () => {
    expect(isCrossSiteWrite(request({ origin: "http://casebook.test:8080", secFetchSite: null }))).toBe(true);
    expect(isCrossSiteWrite(request({ origin: "http://casebook.test:3000", host: "casebook.test:3001", secFetchSite: null }))).toBe(true);
  });
  it("counts a default port and letter case as the same origin", () => {
    expect(isCrossSiteWrite(request({ origin: "https://Casebook.test", protocol: "https", host: "casebook.test:443" }))).toBe(false);
    expect(isCrossSiteWrite(request({ origin: "http://casebook.test:80" }))).toBe(false);
  });
  it("refuses an Origin when the request names no host to compare it with", () => {
    expect(isCrossSiteWrite(request({ host: null }))).toBe(true);
  });
  it("refuses a post the browser marks cross-site", () => {
    expect(isCrossSiteWrite(request({ origin: null, secFetchSite: "cross-site" }))).toBe(true);
  });
  it("refuses the opaque origin 'null' sent by sandboxed frames", () => {
    expect(isCrossSiteWrite(request({ origin: "null" }))).toBe(true);
  });
  it("never blocks reads", () => {
    expect(isCrossSiteWrite(request({ method: "GET", origin: "https://evil.example", secFetchSite: "cross-site" }))).toBe(false);
  });
  it("allows a client that sends no Origin (no browser, so no victim's cookies)", () => {
    expect(isCrossSiteWrite(request({ origin: null, secFetchSite: null }))).toBe(false);
  });
});
