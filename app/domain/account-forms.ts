import { z } from "zod";
import { ROLES, STANDINGS } from "./permissions";
import { oneLineMessage, singleLine } from "./single-line";

const email = z
  .string({ required_error: "Enter your email address." })
  .trim()
  .min(1, "Enter your email address.")
  .max(254, "Email addresses are at most 254 characters.")
  .email("Enter an email address like name@example.com.");

const displayName = singleLine(
  z.string({ required_error: "Enter a display name." }).trim().min(1, "Enter a display name.").max(60, "Display names are at most 60 characters."),
  oneLineMessage("your display name"),
);

export const signupForm = z.object({
  email,
  displayName,
  password: z
    .string({ required_error: "Choose a password." })
    .min(10, "Use at least 10 characters for your password.")
    .max(200, "Passwords are at most 200 characters."),
  // A hidden field taken from the URL: one that is unusable is ignored (the form goes to its default page), never an error nobody can see.
  redirectTo: z.string().max(500).optional().catch(undefined),
});

export const loginForm = z.object({
  email,
  password: z.string({ required_error: "Enter your password." }).min(1, "Enter your password.").max(200, "Passwords are at most 200 characters."),
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
  userId: z.coerce.number({ invalid_type_error: "Unknown user." }).int().positive("Unknown user."),
  role: z.enum(ROLES as [string, ...string[]], { errorMap: () => ({ message: "Choose one of the listed roles." }) }),
});

export const librarySearch = z.object({
  q: z.string().trim().max(100, "Searches are at most 100 characters.").optional().catch(undefined),
  tag: z.string().trim().max(40).regex(/^[a-z0-9-]*$/).optional().catch(undefined),
});

export const passwordChangeForm = z.object({
  currentPassword: z.string({ required_error: "Enter your current password." }).min(1, "Enter your current password.").max(200),
  newPassword: z
    .string({ required_error: "Choose a new password." })
    .min(10, "Use at least 10 characters for your new password.")
    .max(200, "Passwords are at most 200 characters."),
});
