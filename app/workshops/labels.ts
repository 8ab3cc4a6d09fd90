/** Short stage names for lists, where the case's stage titles are not at hand. */
export function stageLabelFor(stage: string): string {
  if (stage.startsWith("case-")) return `Case, part ${stage.slice(5)}`;
  const labels: Record<string, string> = {
    lobby: "Lobby",
    "vote-1": "Voting, round 1",
    "results-1": "Results, round 1",
    discussion: "Discussion",
    "vote-2": "Voting, round 2",
    shift: "Shift summary",
    ended: "Ended",
  };
  return labels[stage] ?? stage;
}
