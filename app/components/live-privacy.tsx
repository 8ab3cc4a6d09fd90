import { Link } from "@remix-run/react";

/**
 * What a live workshop protects of a phone's answers, and what it does not, said before anyone
 * votes (the join page and the phone page): the live room's part of ADR 009 in plain words.
 * Static HTML: it needs no JavaScript.
 *
 * @param k the k-threshold in force (the number of voters at which counts appear)
 */
export function LivePrivacyStatement({ k }: { k: number }) {
  return (
    <section aria-labelledby="live-privacy-heading" className="live-privacy">
      <h2 id="live-privacy-heading">Who sees your answers</h2>
      <ul>
        <li>No name is shown with an answer. A name, if you give one, appears only with arguments you send.</li>
        <li>
          Counts appear only once {k} people have voted; until then every screen says that results appear when {k} people have voted.
        </li>
        <li>In a room of {k} or more, everyone sees the room&apos;s bars move while voting is open.</li>
        <li>The facilitator sees how many people have voted, not who voted what.</li>
        <li>The debrief and the CSV the facilitator downloads carry no names.</li>
        <li>If you give your standing, it is used only for groups of at least {k} people, in the facilitator&apos;s downloads once the workshop has ended.</li>
        <li>Not protected: if everyone chooses the same answer, the bars show it; and someone who joins with several phones can make a room of {k} around one person.</li>
      </ul>
      <p>
        <Link to="/privacy">How Casebook protects your answers</Link>
      </p>
    </section>
  );
}
