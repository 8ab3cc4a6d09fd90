import { visibleLength } from "./visible-length";

/**
 * Workshop join codes: 6 characters people can read off a projector and type on a phone.
 * No O/0, I/1/L or other look-alikes.
 */
export const JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
export const JOIN_CODE_LENGTH = 6;

/** `randomValues` is injected so the module stays pure; pass crypto.getRandomValues. */
export function generateJoinCode(randomValues: (array: Uint32Array) => Uint32Array): string {
  const values = randomValues(new Uint32Array(JOIN_CODE_LENGTH));
  return Array.from(values, (v) => JOIN_CODE_ALPHABET[v % JOIN_CODE_ALPHABET.length]).join("");
}

/** What people type, in any case and with spaces or dashes, as a code to look up. */
export function normalizeJoinCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, "").slice(0, 20);
}

export function isWellFormedJoinCode(code: string): boolean {
  return code.length === JOIN_CODE_LENGTH && [...code].every((c) => JOIN_CODE_ALPHABET.includes(c));
}

/** A message for a code that cannot exist, or null when it is well formed. */
export function joinCodeProblem(code: string): string | null {
  if (code.length === 0) return "Enter the 6-character code shown on the screen.";
  if (code.length !== JOIN_CODE_LENGTH) return `Codes have ${JOIN_CODE_LENGTH} characters; you entered ${visibleLength(code)}.`;
  if (!isWellFormedJoinCode(code)) return "Codes use letters and digits but never O, 0, I, 1 or L. Check the code on the screen.";
  return null;
}
