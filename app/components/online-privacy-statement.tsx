import { Link } from "@remix-run/react";

/**
 * What others can learn from an online answer, said beside the ballot before the person answers
 * (ADR 009: what is protected, and what is not). Plain HTML: it needs no JavaScript.
 */
export function OnlinePrivacyStatement({ k }: { k: number }) {
  return (
    <aside className="notice privacy-note" aria-labelledby="privacy-statement-heading">
      <h3 id="privacy-statement-heading">Your answers are private.</h3>
      <ul>
        <li>Your answers are never shown with your name, to anyone: not other people, not facilitators, not admins.</li>
        <li>
          Results appear only once {k} people have answered, and then update in steps where every figure, each group&apos;s too, moves by at least {k} people, so nobody can see one answer arrive. The
          bridging scores of arguments never use your answers: they count how endorsers lean from the arguments they endorse in public, and update with the results, in steps.
        </li>
        <li>A breakdown by standing never shows a group of fewer than {k} people.</li>
        <li>Your answers on this case count under the standing you had when you first answered it; changing your profile later does not move them.</li>
        <li>Your arguments, replies and endorsements are public, under your display name.</li>
      </ul>
      <p>
        Not protected: if everyone in a group of {k} or more chose the same, the group&apos;s results show what each of them chose; and someone who makes several accounts can make a group of {k}{" "}
        around one real person. <Link to="/privacy">How your answers are protected</Link>.
      </p>
    </aside>
  );
}
