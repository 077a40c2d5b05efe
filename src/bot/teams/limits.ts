/**
 * Microsoft Teams and Adaptive Card limits the Teams channel keeps, as data in one place. Where Microsoft
 * documents a hard limit we stay under it with a margin; where the limit is a rendering habit of the Teams
 * clients (how many buttons fit), the number is what we found readable.
 */
export const TEAMS_LIMITS = {
  /** Teams renders Adaptive Cards up to schema 1.5; a 1.6 card shows the fallback text instead. */
  cardVersion: '1.5',
  cardSchemaUrl: 'http://adaptivecards.io/schemas/adaptive-card.json',

  /**
   * Teams gives up on an `adaptiveCard/action` invoke after about 15 s and shows an error to the clicker.
   * We aim to answer within 1 s (slow work runs after the answer) and stop waiting well before the platform.
   */
  invokeAnswerBudgetMs: 1_000,
  invokeHardDeadlineMs: 10_000,
  invokePlatformLimitMs: 15_000,

  /** A message (activity JSON, card included) must stay under about 28 KB or Teams answers 413. */
  messageMaxBytes: 28 * 1024,
  /** What we allow a rendered card to use of that, leaving room for the activity envelope. */
  cardMaxBytes: 26 * 1024,

  /** Buttons per action set (the SDK's default host config refuses more; Teams shows about that many). */
  actionsPerSetMax: 5,
  /** Beyond this many options a compact ChoiceSet becomes unusable; the view should page or offer search. */
  choiceSetMaxOptions: 100,
  /** Choice titles are single lines in the compact dropdown; longer ones are cut with an ellipsis. */
  choiceTitleMaxChars: 150,
  /** A single TextBlock longer than this is cut: nobody reads a 5 KB error message on a card. */
  textBlockMaxChars: 2_000,
  /** Rows of a list view shown before "and N more". */
  listRowsMax: 25,
  /** Button titles are cut at this length (Teams truncates visually anyway). */
  actionTitleMaxChars: 40,
  /** Text input length when the view gives none. */
  textInputDefaultMaxLength: 500,
} as const;

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
/** Invoke response type that shows a plain text next to the card and leaves the card as it is. */
export const INVOKE_MESSAGE_CONTENT_TYPE = 'application/vnd.microsoft.activity.message';
