import { z } from "zod";

/**
 * The largest id or count a form may name: PostgreSQL's `integer` (32-bit signed), the type of
 * every id column. A larger number sent to a query is PostgreSQL's "out of range" error.
 */
export const DATABASE_INTEGER_MAX = 2_147_483_647;

/** Decimal digits with an optional minus sign: what a number field, a select or a hidden id sends. */
const WHOLE_NUMBER = /^-?\d{1,10}$/;

/**
 * A whole number in an address or query (`/workshops/12`, `?to=3`): decimal digits within `min`
 * and `max` (by default the database's integers), else null, so "0x1", "1e0" and ids past the
 * database's integers never reach a query.
 *
 * @param raw the text as the address gave it (absent: null)
 */
export function readWholeNumber(raw: string | null | undefined, range: { min?: number; max?: number } = {}): number | null {
  if (raw === null || raw === undefined || !WHOLE_NUMBER.test(raw)) return null;
  const number = Number(raw);
  return number >= (range.min ?? -DATABASE_INTEGER_MAX) && number <= (range.max ?? DATABASE_INTEGER_MAX) ? number : null;
}

/**
 * A form field holding a whole number, written as decimal digits ("12", "-3"), within `min` and
 * `max` (by default the database's integers). Stricter than `z.coerce.number`, which also read
 * "" as 0, " 12 " as 12, "1e3" as 1000, "0x10" as 16 and took numbers no id column can hold. A
 * number (from code, not a form) is held to the same range.
 *
 * @param message the field's error for anything else, missing included
 * @returns a schema whose output is the number
 */
export function wholeNumberField(message: string, range: { min?: number; max?: number } = {}) {
  return z.union([z.string(), z.number()], { errorMap: () => ({ message }) }).transform((value, ctx) => {
    // A number is read as its decimal text, so a fraction, NaN or 1e21 is refused as that text would be.
    const number = readWholeNumber(typeof value === "number" ? String(value) : value, range);
    if (number !== null) return number;
    ctx.addIssue({ code: z.ZodIssueCode.custom, message });
    return z.NEVER;
  });
}
