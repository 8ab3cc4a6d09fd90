import { describe, expect, it } from "vitest";
import { parseTrustProxy } from "../../app/domain/trust-proxy";

describe("parseTrustProxy (TRUST_PROXY)", () => {
  it("trusts no proxy when unset, empty, false or 0", () => {
    for (const raw of [undefined, "", "  ", "false", "0"]) expect(parseTrustProxy(raw)).toBe(false);
  });

  it("reads a whole number as the count of proxies in front of the app", () => {
    expect(parseTrustProxy("1")).toBe(1);
    expect(parseTrustProxy(" 2 ")).toBe(2);
  });

  it("reads proxy addresses, subnets and named ranges as a list", () => {
    expect(parseTrustProxy("loopback")).toEqual(["loopback"]);
    expect(parseTrustProxy("10.0.0.5, 10.1.0.0/16,::1,fd00::/8,uniquelocal")).toEqual(["10.0.0.5", "10.1.0.0/16", "::1", "fd00::/8", "uniquelocal"]);
    expect(parseTrustProxy("192.168.0.0/255.255.0.0")).toEqual(["192.168.0.0/255.255.0.0"]);
  });

  it("refuses true, naming the variable and the safe values", () => {
    for (const raw of ["true", "TRUE", " true "]) {
      expect(() => parseTrustProxy(raw)).toThrow(/^TRUST_PROXY=true is refused: .*X-Forwarded-For.*rate limits.*TRUST_PROXY=1.*TRUST_PROXY=loopback/);
    }
  });

  it("refuses subnets that hold every address, which trust everyone just as true does", () => {
    expect(() => parseTrustProxy("0.0.0.0/0")).toThrow(/TRUST_PROXY="0\.0\.0\.0\/0" is refused: "0\.0\.0\.0\/0" trusts every address/);
    expect(() => parseTrustProxy("loopback,::/0")).toThrow(/"::\/0" trusts every address/);
    expect(() => parseTrustProxy("10.0.0.0/0.0.0.0")).toThrow(/trusts every address/);
  });

  it("refuses subnets wider than any set of proxies, which together can hold every address", () => {
    for (const raw of ["0.0.0.0/1,128.0.0.0/1", "::/1,8000::/1", "::ffff:0:0/96", "11.0.0.0/7", "2001::/16", "128.0.0.0/128.0.0.0"]) {
      expect(() => parseTrustProxy(raw), raw).toThrow(/a range wider than any set of proxies/);
    }
    expect(parseTrustProxy("10.0.0.0/8,fc00::/7,2001:db8::/32,::ffff:10.0.0.0/104")).toEqual(["10.0.0.0/8", "fc00::/7", "2001:db8::/32", "::ffff:10.0.0.0/104"]);
  });

  it("refuses malformed values, naming each bad entry and the safe values", () => {
    const cases: [string, RegExp][] = [
      ["yes", /"yes" is not an IP address/],
      ["10.0.0.300", /"10\.0\.0\.300" is not an IP address/],
      ["10.0.0.1/33", /"10\.0\.0\.1\/33" has a prefix longer than 32 bits/],
      ["::1/129", /longer than 128 bits/],
      ["10.0.0.0/255.0.255.0", /netmask that is not a run of ones then zeros/],
      ["10.0.0.0/abc", /prefix that is neither a number nor an IPv4 netmask/],
      ["10.0.0.0/8/8", /"10\.0\.0\.0\/8\/8" is not an IP address/],
      ["loopback,,10.0.0.1", /an empty entry between commas/],
      ["-1", /"-1" is not an IP address/],
      ["1.5", /"1\.5" is not an IP address/],
      ["99", /TRUST_PROXY=99 is not a believable number of proxies/],
    ];
    for (const [raw, message] of cases) {
      expect(() => parseTrustProxy(raw), raw).toThrow(message);
      expect(() => parseTrustProxy(raw), raw).toThrow(/TRUST_PROXY.*Set it to the number of proxies in front of Casebook/);
    }
  });
});
