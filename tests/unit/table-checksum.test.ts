import { describe, expect, it } from "vitest";
import { normaliseValue, tableChecksum } from "../../app/domain/table-checksum";

describe("table checksums", () => {
  it("agree when two drivers return the same rows with different number types", () => {
    const sqliteRows = [{ id: 1, n: 5, name: "a" }];
    const pgRows = [{ id: 1n, n: 5, name: "a" }];
    expect(tableChecksum(sqliteRows, ["id", "n", "name"])).toBe(tableChecksum(pgRows, ["id", "n", "name"]));
  });

  it("differ when one value differs, or rows are missing", () => {
    const a = tableChecksum([{ id: 1, name: "a" }], ["id", "name"]);
    expect(tableChecksum([{ id: 1, name: "b" }], ["id", "name"])).not.toBe(a);
    expect(tableChecksum([], ["id", "name"])).not.toBe(a);
  });

  it("keep text that looks like a number as text, and null as null", () => {
    expect(normaliseValue("007")).toBe("007");
    expect(normaliseValue(undefined)).toBeNull();
    expect(normaliseValue(true)).toBe(1);
  });
});
