import { createCookie } from "@remix-run/node";
import { afterAll, describe, expect, it } from "vitest";
import { startApp } from "./app-under-test";

const app = await startApp();
const { getUser, sessionSecret } = await import("../../app/accounts/auth.server");
const { deviceCookieHeader, deviceTokenMinter, newDeviceSeed, readDeviceToken } = await import("../../app/workshops/access.server");

afterAll(() => app.cleanup());

/** The value of one cookie out of a Set-Cookie or Cookie header. */
const valueOf = (header: string, name: string) => new RegExp(`(?:^|;\\s*)${name}=([^;]*)`).exec(header)?.[1] ?? "";

describe("a signed cookie is bound to its purpose", () => {
  it("refuses a session cookie's signed value presented as the device cookie", async () => {
    const person = await app.person();
    const sessionValue = valueOf(person.cookie, "casebook_session");
    expect(await getUser(app.get("/", person.cookie))).toMatchObject({ id: person.id });
    expect(await readDeviceToken(app.get("/join", `casebook_device=${sessionValue}`))).toBeNull();
  });

  it("refuses a device cookie's signed value presented as the session cookie", async () => {
    const token = (await deviceTokenMinter())(newDeviceSeed());
    const deviceValue = valueOf(await deviceCookieHeader(app.get("/join"), token), "casebook_device");
    expect(await readDeviceToken(app.get("/join", `casebook_device=${deviceValue}`))).toBe(token);
    // Make the device token a live session id too, so only the signature can refuse it.
    const person = await app.person();
    await app.db().updateTable("sessions").set({ id: token }).where("user_id", "=", person.id).execute();
    expect(await getUser(app.get("/", `casebook_session=${deviceValue}`))).toBeNull();
  });

  it("keeps sessions signed before purposes were bound (with the bare secret) signed in", async () => {
    const person = await app.person();
    const session = await app.db().selectFrom("sessions").select("id").where("user_id", "=", person.id).executeTakeFirstOrThrow();
    const legacy = createCookie("casebook_session", { secrets: [await sessionSecret()] });
    const cookie = (await legacy.serialize(session.id)).split(";")[0]!;
    expect(await getUser(app.get("/", cookie))).toMatchObject({ id: person.id });
  });
});
