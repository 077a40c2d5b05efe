/**
 * The few sentences the Slack channel itself says (everything else comes from the conversation's views).
 * Kept here so wording changes in one place.
 */
export const SLACK_TEXT = {
  modalTitle: 'Restore',
  modalClose: 'Close',
  loading: 'Loading… (this view updates by itself)',
  working: 'Working on it…',
  autoAnswered: (answer: string, reason: string) => `Answered for you: ${answer} — ${reason}`,
  errorCode: (code: string) => `Error code: ${code}`,
  required: 'Please fill this in.',
  chooseOne: 'Please pick one.',
  nothingToChoose: (label: string) => `Nothing to choose for ${label}.`,
  typeToSearch: 'Type a time or a date to search; newest first',
  moreChoices: (n: number) => `${n} more not shown: type a name or a time to narrow the list.`,
  moreRows: (n: number) => `${n} more not shown.`,
  moreWarnings: (n: number) => `${n} more warning${n === 1 ? '' : 's'} not shown.`,
  earlierHidden: (n: number) => `${n} earlier message${n === 1 ? '' : 's'} not shown.`,
  page: (index: number) => `Page ${index + 1}`,
  options: (labels: string) => `Options: ${labels}`,
  unavailable: (label: string, reason?: string) =>
    reason ? `Not available: ${label} — ${reason}` : `Not available: ${label}`,
  turnFailed: (code: string) =>
    `Sorry, something went wrong on my side (error code ${code}). Nothing was changed; please try again, and tell the on-call engineer if it keeps happening.`,
  turnFailedTitle: 'Something went wrong',
  notAnAction: 'This button is not recognised. Nothing was changed.',
  formGone: 'This form is no longer active; type /restore to start again.',
} as const;
