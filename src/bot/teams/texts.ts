/**
 * The few sentences the Teams channel itself says (everything else comes from the conversation's views).
 * Kept here so wording changes in one place.
 */
export const TEAMS_TEXT = {
  autoAnswered: (answer: string, reason: string) => `Answered for you: ${answer} — ${reason}`,
  errorCode: (code: string) => `Error code: ${code}`,
  chooseOne: (label: string) => `Choose one: ${label}`,
  required: (label: string) => `${label} is required`,
  nothingToChoose: (label: string) => `Nothing to choose for ${label}.`,
  moreChoices: (n: number) => `${n} more not shown: type a name or a time to narrow the list.`,
  moreRows: (n: number) => `${n} more not shown.`,
  page: (index: number) => `Page ${index + 1}`,
  unavailable: (label: string, reason?: string) =>
    reason ? `Not available: ${label} — ${reason}` : `Not available: ${label}`,
  turnFailed: (code: string) =>
    `Sorry, something went wrong on my side (error code ${code}). Nothing was changed; please try again, and tell the on-call engineer if it keeps happening.`,
  stillWorking: 'Still working on it: this card updates when the decision is recorded.',
  notAnAction: 'This button is not recognised. Nothing was changed.',
} as const;
