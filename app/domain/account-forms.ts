import { z } from "zod";
import { wholeNumberField } from "./whole-number";
import { ROLES, STANDINGS } from "./permissions";
import { oneLineMessage, singleLine } from "./single-line";
import { PASSWORD_LIMITS, TEXT_LIMITS } from "./text-limits";
import { keepToMessage, maxVisible, requiredText } from "./visible-length";

// zod's email pattern takes ASCII only, so here code units are the characters people see.
const email = z
  .string({ required_error: "Enter your email address." })
  .trim()
  .min(1, "Enter your email address.")
  .max(254, "Email addresses are at most 254 characters.")
  .email("Enter an email address like name@example.com.");

const displayName = singleLine(
  maxVisible(requiredText("Enter a display name."), TEXT_LIMITS.displayName, keepToMessage("your display name", TEXT_LIMITS.displayName)),
  oneLineMessage("your display name"),
);

/**
 * A password's length in Unicode code points, as NIST SP 800-63B (5.1.1.2) counts it: "each
 * Unicode code point SHALL be counted as a single character". A password is never shown, so what
 * it looks like does not matter; its code points are what a guesser has to find.
 */
function password(required: string, tooShort: string, min: number = PASSWORD_LIMITS.min) {
  return z
    .string({ required_error: required })
    .refine((value) => Array.from(value).length >= min, tooShort)
    .refine((value) => Array.from(value).length <= PASSWORD_LIMITS.max, `Passwords are at most ${PASSWORD_LIMITS.max} characters.`);
}

export const signupForm = z.object({
  email,
  displayName,
  password: password("Choose a password.", `Use at least ${PASSWORD_LIMITS.min} characters for your password.`),
  // A hidden field taken from the URL: one that is unusable is ignored (the form goes to its default page), never an error nobody can see.
  redirectTo: z.string().max(500).optional().catch(undefined),
});

export const loginForm = z.object({
  email,
  password: password("Enter your password.", "Enter your password.", 1),
  redirectTo: z.string().max(500).optional().catch(undefined),
});

export const profileForm = z.object({
  displayName,
  standing: z
    .union([z.literal(""), z.enum(STANDINGS as [string, ...string[]])], {
      errorMap: () => ({ message: "Choose one of the listed standings." }),
    })
    .transform((value) => (value === "" ? null : value)),
});

export const roleForm = z.object({
  userId: wholeNumberField("Unknown user.", { min: 1 }),
  role: z.enum(ROLES as [string, ...string[]], { errorMap: () => ({ message: "Choose one of the listed roles." }) }),
});

export const librarySearch = z.object({
  q: maxVisible(z.string().trim(), TEXT_LIMITS.search, keepToMessage("the search", TEXT_LIMITS.search)).optional().catch(undefined),
  tag: z
    .string()
    .trim()
    .max(40)
    .regex(/^[a-z0-9-]*$/)
    .optional()
    .catch(undefined),
});

export const passwordChangeForm = z.object({
  currentPassword: password("Enter your current password.", "Enter your current password.", 1),
  newPassword: password("Choose a new password.", `Use at least ${PASSWORD_LIMITS.min} characters for your new password.`),
});

/** "Forgot password": just the email. */
export const forgotPasswordForm = z.object({ email });

/** The reset page: a new password, under the same rules as sign-up. */
export const passwordResetForm = z.object({
  newPassword: password("Choose a new password.", `Use at least ${PASSWORD_LIMITS.min} characters for your new password.`),
});

/** The admin page's account actions: a reset link, deactivate, reactivate. */
export const accountActionForm = z.object({
  userId: wholeNumberField("Unknown user.", { min: 1 }),
  intent: z.enum(["reset-link", "deactivate", "reactivate"], { errorMap: () => ({ message: "Unknown action." }) }),
});
