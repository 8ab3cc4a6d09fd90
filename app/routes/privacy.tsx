import type { MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";

export const meta: MetaFunction = () => [{ title: "Privacy · Casebook" }];

/** A static page: what Casebook shows of people's answers, and what it never shows. */
export default function Privacy() {
  return (
    <article className="prose">
      <h1>Your answers and your privacy</h1>
      <p>Casebook holds opinions about work, sometimes about your own employer. It is built so that nobody can find out what you chose.</p>
      <h2>What others can see</h2>
      <ul>
        <li>Totals only. Results show how many people chose each answer, never who.</li>
        <li>
          No small groups. A breakdown by standing (front line, managers, HR…) never shows a group smaller than the configured threshold (five by default). Smaller groups are merged, and if that would
          still let someone work a small group out from the totals, more is merged.
        </li>
        <li>
          Results move in steps, not one answer at a time. A new answer is released only together with at least the threshold&apos;s number of others that move the same figures: each perspective, each
          group, the judgements at first answers. So comparing the results just before and just after someone answers shows nothing about them, and no group&apos;s figures move by one person. Which
          answers are released is decided from who answered when, never from what they answered. Your own answer may not be counted yet.
        </li>
        <li>
          Keeping every release and subtracting them from one another does not help either: each new release is checked together with all the earlier ones, and a breakdown that would let any
          combination of them single out fewer than the threshold&apos;s number of people (or one person&apos;s change of mind) is not shown; the answers it would expose wait for a later release.
          Between any two releases, the people who come into a figure and the people who leave it (changing your answer does both) each number none or at least the threshold, so a change of mind may
          wait until enough of the people released with you earlier have changed theirs too.
        </li>
        <li>
          Online, every figure is a total over people of one answer each: how many chose each option or judgement, the same people&apos;s judgements when they first answered, the average empathy gap.
          Who changed their mind and which way, and each person&apos;s own gap between their two answers, are not shown, since they pair two of one person&apos;s answers. An option that only some
          versions of a case offered counts as a group of its own. When you name the argument that changed your mind, it counts towards that argument&apos;s &ldquo;changed N minds&rdquo; and nothing
          else of your answer is shown beside it.
        </li>
        <li>Your answers on a case count under the standing you had when you first answered it: changing your profile later does not move them.</li>
        <li>
          Bridging scores on arguments (how well an argument moved people on both sides) never use anyone&apos;s answers. Each endorser counts on a side from what they do in public: the other
          arguments on the same case and perspective they endorsed, more &ldquo;for&rdquo; than &ldquo;against&rdquo; (they think the person in the case was right) or the reverse; someone who endorsed
          no other argument counts on neither side. Scores also count how many standings their endorsers have, and standings are protected, so scores are released with the results, not live: an
          argument gets a score only once at least the threshold&apos;s number of people have endorsed it, a standing held by fewer of them does not count as a kind of person of its own, and a score
          changes only after that many of its endorsers have changed. How many people an argument moved is shown as it happens.
        </li>
        <li>Results for a case appear only after you have answered every perspective, so they cannot sway your first answer.</li>
        <li>Your empathy gap (how your answer as the employee differs from your answer as the employer) is shown only to you.</li>
        <li>Your arguments and replies are public, under your display name. Votes and arguments are never shown together.</li>
      </ul>
      <h2>Live workshops</h2>
      <ul>
        <li>You join without an account. Your phone gets a random token so a reload brings you back; only a one-way hash of it is stored.</li>
        <li>Workshop answers are never linked to an account, even if you are signed in.</li>
        <li>
          Counts appear only once the threshold&apos;s number of people (five by default) have voted in a round. Until then the projector, the phones, the facilitator&apos;s screen and the debrief say
          that results appear when that many people have voted, and show no counts or averages. How many people have answered is shown: that is not an answer.
        </li>
        <li>The facilitator sees how many people have voted, never who voted what: the list of participants does not say who has voted.</li>
        <li>
          If the facilitator removes someone, that person cannot vote again, but the votes they already cast and the upvotes they gave keep counting until at least as many removed people as the
          threshold can be taken out of every count they are in at once. So no count ever changes by one removed person.
        </li>
        <li>
          The facilitator&apos;s exports (a debrief and a CSV) contain no names, tokens or accounts. Both group people by standing in the same way, chosen once for the whole workshop, so laying one
          beside the other singles nobody out. A group is shown only if it has at least as many people as the threshold in every round, and only once the workshop has ended. The CSV numbers people
          separately in each round, so nobody can be picked out by when they took part.
        </li>
      </ul>
      <h2>What is not protected</h2>
      <ul>
        <li>
          Which side your endorsements put you on is public, like the endorsements themselves: anyone can read the arguments you endorsed and count them. It is never taken from your answer, which may
          say otherwise.
        </li>
        <li>If everyone in a group of people chose the same answer, the group&apos;s totals show it.</li>
        <li>
          Someone who creates several accounts, or joins a live workshop with several phones, can make a group look bigger than it is. Where that matters, your organisation can close sign-up and hand
          out accounts, and a facilitator can lock the room.
        </li>
        <li>
          In a live workshop of at least the threshold&apos;s number of people, everyone in the room sees the bars move while voting is open: the room is the group, and someone watching your phone
          sees what anyone in the room would.
        </li>
      </ul>
      <p>
        <Link to="/">Back to the case library</Link>
      </p>
    </article>
  );
}
