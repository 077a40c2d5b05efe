/**
 * Slack's platform limits as data, in one place: the Block Kit validator enforces them, the renderer trims to
 * them, and the fake Slack Web API in test/ uses the time limits. Slack rejects an oversized payload as a whole
 * (`invalid_blocks`), so the app must stay within these numbers rather than hope Slack truncates.
 *
 * Character limits count Unicode code points: Slack does not document its counting unit, and code points are
 * the stricter of the plausible choices for text that is mostly ASCII with the odd emoji.
 *
 * Sources: "types" = the JSDoc of @slack/types 3.2.0 (dist/views.d.ts, dist/block-kit/*.d.ts), "docs" = the
 * reference pages under docs.slack.dev/reference/block-kit and docs.slack.dev/reference/views.
 */
export const BLOCK_KIT_LIMITS = Object.freeze({
  /** docs block reference: up to 50 blocks in each message. */
  messageBlocks: 50,
  /** docs block reference and types views.d.ts: up to 100 blocks in a modal (and in a Home tab). */
  modalBlocks: 100,
  /** Slack changelog (2018) on truncating long messages: top-level `text` is cut after 40 000 characters. */
  messageText: 40_000,

  /** types composition-objects.d.ts: a text object's `text` has 1 to 3 000 characters. */
  textObjectMin: 1,
  /** types composition-objects.d.ts: the same object's upper bound, unless its container says less. */
  textObjectMax: 3_000,

  /** types blocks.d.ts (SectionBlock.text): 3 000 characters. */
  sectionText: 3_000,
  /** types blocks.d.ts (SectionBlock.fields): at most 10 fields. */
  sectionFields: 10,
  /** types blocks.d.ts (SectionBlock.fields): each field's text at most 2 000 characters. */
  sectionFieldText: 2_000,
  /** types blocks.d.ts (HeaderBlock.text): 150 characters, plain_text only. */
  headerText: 150,
  /** types blocks.d.ts (ActionsBlock.elements): at most 25 elements. */
  actionsElements: 25,
  /** types blocks.d.ts (ContextBlock.elements): at most 10 elements. */
  contextElements: 10,
  /** types blocks.d.ts (InputBlock.label): 2 000 characters. */
  inputLabel: 2_000,
  /** types blocks.d.ts (InputBlock.hint): 2 000 characters. */
  inputHint: 2_000,
  /** types blocks.d.ts (MarkdownBlock.text): 12 000 characters. */
  markdownText: 12_000,
  /** types blocks.d.ts (ImageBlock.image_url): 3 000 characters. */
  imageUrl: 3_000,
  /** types blocks.d.ts (ImageBlock.alt_text): 2 000 characters. */
  imageAltText: 2_000,
  /** types blocks.d.ts (ImageBlock.title): 2 000 characters. */
  imageTitle: 2_000,
  /** types blocks.d.ts (Block.block_id): 255 characters; we also demand uniqueness across the whole surface. */
  blockId: 255,

  /** types extensions.d.ts (Actionable.action_id): 255 characters; we also demand uniqueness per surface. */
  actionId: 255,
  /** types extensions.d.ts (Placeholdable.placeholder): 150 characters. */
  placeholder: 150,
  /** types block-elements.d.ts (Button.text): 75 characters (clients show about 30). */
  buttonText: 75,
  /** types block-elements.d.ts (Button.value): 2 000 characters. */
  buttonValue: 2_000,
  /** types block-elements.d.ts (Button.accessibility_label): 75 characters. */
  buttonAccessibilityLabel: 75,
  /** types block-elements.d.ts (Button.url) and composition-objects.d.ts (Option.url): 3 000 characters. */
  url: 3_000,
  /** types block-elements.d.ts (StaticSelect.options): at most 100 options. */
  selectOptions: 100,
  /** types block-elements.d.ts (StaticSelect.option_groups): at most 100 groups. */
  selectOptionGroups: 100,
  /** types composition-objects.d.ts (OptionGroup.options): at most 100 options per group. */
  optionGroupOptions: 100,
  /** types composition-objects.d.ts (OptionGroup.label): 75 characters. */
  optionGroupLabel: 75,
  /** docs options load reference: an external_select answer carries at most 100 options (or groups). */
  optionsLoadOptions: 100,
  /** types block-elements.d.ts (Overflow.options): 1 to 5 options. */
  overflowOptions: 5,
  /** types block-elements.d.ts (Checkboxes.options): at most 10 options. */
  checkboxesOptions: 10,
  /** types block-elements.d.ts (RadioButtons.options): at most 10 options. */
  radioButtonsOptions: 10,
  /** types block-elements.d.ts (PlainTextInput.min_length): at most 3 000. */
  plainTextInputMinLength: 3_000,

  /** types composition-objects.d.ts (Option.text): 75 characters. */
  optionText: 75,
  /** types composition-objects.d.ts (Option.description): 75 characters. */
  optionDescription: 75,
  /** types composition-objects.d.ts (Option.value): 75; the docs page now says 150, we keep the stricter one. */
  optionValue: 75,

  /** types composition-objects.d.ts (Confirm.title): 100 characters. */
  confirmTitle: 100,
  /** types composition-objects.d.ts (Confirm.text): 300 characters. */
  confirmText: 300,
  /** types composition-objects.d.ts (Confirm.confirm): 30 characters. */
  confirmButton: 30,
  /** types composition-objects.d.ts (Confirm.deny): 30 characters. */
  denyButton: 30,

  /** types views.d.ts (ModalView.title): 24 characters, plain_text. */
  modalTitle: 24,
  /** types views.d.ts (ModalView.submit): 24 characters, plain_text. */
  modalSubmit: 24,
  /** types views.d.ts (ModalView.close): 24 characters, plain_text. */
  modalClose: 24,
  /** types views.d.ts (View.private_metadata): 3 000 characters. */
  privateMetadata: 3_000,
  /** types views.d.ts (View.callback_id): 255 characters. */
  callbackId: 255,
  /** docs views reference (external_id): 255 characters, unique per workspace. */
  externalId: 255,
  /** docs modals guide and views.push reference: a modal stack holds at most 3 views. */
  modalViewStack: 3,
});

export type BlockKitLimit = keyof typeof BLOCK_KIT_LIMITS;

/** Deadlines Slack imposes on an app; missing one shows the user an error, so plan work around them. */
export const SLACK_TIME_LIMITS = Object.freeze({
  /** docs interactivity guide: a slash command or interaction must be acknowledged within 3 s. */
  ackMs: 3_000,
  /** docs modals guide: a trigger_id can open a modal for 3 s after the click, then `expired_trigger_id`. */
  triggerIdTtlMs: 3_000,
  /** docs slash command guide: a response_url accepts up to 5 responses... */
  responseUrlMaxUses: 5,
  /** ...within 30 minutes of the request. */
  responseUrlTtlMs: 30 * 60 * 1_000,
  /** docs request verification guide: a signed request older than 5 minutes must be refused (replay). */
  requestMaxAgeSeconds: 5 * 60,
});

/** Limits of the app manifest (types: @slack/web-api 8.2.0 dist/types/request/manifest.d.ts). */
export const SLACK_MANIFEST_LIMITS = Object.freeze({
  /** display_information.name: 35 characters. */
  appName: 35,
  /** display_information.description: 140 characters. */
  appDescription: 140,
  /** display_information.long_description: 174 to 4 000 characters (App Settings refuses shorter). */
  appLongDescriptionMin: 174,
  appLongDescriptionMax: 4_000,
  /** features.bot_user.display_name: 80 characters of a-z, 0-9, `-`, `_` and `.`. */
  botDisplayName: 80,
  /** features.slash_commands[].command: 32 characters including the leading `/`. */
  slashCommand: 32,
  /** features.slash_commands[].description: 2 000 characters. */
  slashCommandDescription: 2_000,
  /** features.slash_commands[].usage_hint: 1 000 characters. */
  slashCommandUsageHint: 1_000,
});
