/**
 * The release-plan worker thread's entry (piscina runs its default export, one task at a time):
 * `planRelease` on a copy of the input (structured clone), off the server's event loop. Pure like
 * `planRelease`: the plan is the one the event loop would make of the same input (ADR 042).
 */
import { planRelease, type ReleasePlan, type ReleasePlanInput } from "./disclosure";

export default function planReleaseTask(input: ReleasePlanInput): ReleasePlan | null {
  return planRelease(input);
}
