import { describe, expect, it } from "vitest";
import { clientNetwork, fixedWindows } from "../../app/domain/rate-windows";

describe("fixedWindows", () => {
  it("gives each key once, in sorted order, with the start of its own window", () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 42, 500);
    expect(
      fixedWindows(
        [
          { key: "vote-device:participant:7", windowMs: 1_000 },
          { key: "vote-address:10.0.0.1", windowMs: 60_000 },
          { key: "vote-device:participant:7", windowMs: 1_000 },
        ],
        now,
      ),
    ).toEqual([
      { key: "vote-address:10.0.0.1", windowMs: 60_000, startMs: Date.UTC(2026, 0, 1, 12, 0, 0) },
      { key: "vote-device:participant:7", windowMs: 1_000, startMs: Date.UTC(2026, 0, 1, 12, 0, 42) },
    ]);
  });
});

describe("clientNetwork", () => {
  it("keys an IPv4 address as itself (a room behind NAT already shares one)", () => {
    expect(clientNetwork("203.0.113.9")).toBe("203.0.113.9");
    expect(clientNetwork("::ffff:203.0.113.9")).toBe("203.0.113.9");
  });

  it("keys an IPv6 address by its /64, so a host cannot take a fresh address per guess", () => {
    expect(clientNetwork("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:1:2::/64");
    expect(clientNetwork("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(clientNetwork("2001:0DB8:0001:0002:0:0:0:9")).toBe("2001:db8:1:2::/64");
    expect(clientNetwork("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(clientNetwork("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(clientNetwork("::1")).toBe("0:0:0:0::/64");
  });

  it("returns anything it cannot read unchanged", () => {
    expect(clientNetwork("unknown")).toBe("unknown");
    expect(clientNetwork("1::2::3")).toBe("1::2::3");
    expect(clientNetwork("2001:db8:zz::1")).toBe("2001:db8:zz::1");
  });
});
