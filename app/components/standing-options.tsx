import { STANDING_LABELS, STANDINGS } from "~/domain/permissions";

/** The choices of a standing `<select>`: none ("Prefer not to say", the empty value) first, then every standing by its label. */
export function StandingOptions() {
  return (
    <>
      <option value="">Prefer not to say</option>
      {STANDINGS.map((s) => (
        <option key={s} value={s}>
          {STANDING_LABELS[s]}
        </option>
      ))}
    </>
  );
}
