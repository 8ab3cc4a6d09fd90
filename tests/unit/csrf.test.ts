import { describe, expect, it } from "vitest";
import { isCrossSiteWrite } from "../../app/csrf";

const request = (overrides: Partial<Parameters<typeof isCrossSiteWrite>[0]>) => ({
  method: "POST",
  origin: "http://casebook.test",
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
