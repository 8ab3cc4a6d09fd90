import { describe, expect, it, vi } from "vitest";
import { cookieKey, serverKey } from "../../app/domain/cookie-keys";

// The real HKDF, watched: serverKey derives each key once (every join mints a device token).
const { hkdf } = vi.hoisted(() => ({ hkdf: { calls: 0 } }));
vi.mock("node:crypto", async (importOriginal) => {
  const crypto = await importOriginal<typeof import("node:crypto")>();
  return {
    ...crypto,
    hkdfSync: (...args: Parameters<typeof crypto.hkdfSync>) => {
      hkdf.calls += 1;
      return crypto.hkdfSync(...args);
    },
  };
});

const SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

describe("cookieKey", () => {
  it("gives each purpose its own 256-bit key, none of them the secret itself", () => {
    const session = cookieKey(SECRET, "session");
    const device = cookieKey(SECRET, "device");
    expect(session).toMatch(/^[0-9a-f]{64}$/);
    expect(device).toMatch(/^[0-9a-f]{64}$/);
    expect(session).not.toBe(device);
    expect([session, device]).not.toContain(SECRET);
  });

  it("derives the same key from the same secret, so every process sharing the secret agrees", () => {
    expect(cookieKey(SECRET, "session")).toBe(cookieKey(SECRET, "session"));
  });

  it("derives other keys from another secret", () => {
    expect(cookieKey(`${SECRET}x`, "session")).not.toBe(cookieKey(SECRET, "session"));
  });
});

describe("serverKey", () => {
  it("gives the device-token key 256 bits of its own, unrelated to every cookie key and the secret, and the same from the same secret", () => {
    const key = serverKey(SECRET, "device token").toString("hex");
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect([cookieKey(SECRET, "session"), cookieKey(SECRET, "device"), SECRET]).not.toContain(key);
    expect(serverKey(SECRET, "device token").toString("hex")).toBe(key);
    expect(serverKey(`${SECRET}x`, "device token").toString("hex")).not.toBe(key);
  });

  it("derives each key once, and a caller that writes into the key it got does not change the next caller's", () => {
    const secret = `${SECRET}-cached`;
    const before = hkdf.calls;
    const first = serverKey(secret, "device token");
    const expected = first.toString("hex");
    first.fill(0);
    expect(serverKey(secret, "device token").toString("hex")).toBe(expected);
    expect(serverKey(secret, "role assignment").toString("hex")).not.toBe(expected);
    serverKey(secret, "role assignment");
    expect(hkdf.calls - before).toBe(2);
  });
});

describe("derived keys, pinned", () => {
  // A change to a salt, an info string or the encoding would sign every session out and make
  // every phone's device token unknown: these are the keys every deployment has derived so far.
  it("stays the same for each purpose and use", () => {
    expect(cookieKey(SECRET, "session")).toBe("7148a0076d7b6e4cd4a7b94c3a51bc8485cf4ad811aa7a6c3a83dd514f122e76");
    expect(cookieKey(SECRET, "device")).toBe("2eec9ade95019bdce0fc1033574578aff1f8ff408a4734429f0eea894ee99efd");
    expect(serverKey(SECRET, "device token").toString("hex")).toBe("c73461245c6f2a0b76a8b600d56d8600a867a409f20f6852546ad9fe0e408d78");
    expect(serverKey(SECRET, "role assignment").toString("hex")).toBe("364b2f4eab874c006693ca2387c8035d89001f9b227c661b964fd498d3767156");
  });
});
