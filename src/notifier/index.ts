/** Follows restore jobs to their end and tells the approval thread; expires undecided requests on time. */

export { type CycleReport, Notifier, type NotifierDeps } from './notifier';
export { type Delivery, OncePoster } from './once';
export type { NotifierAzure } from './poller';
export {
  DEFAULT_NOTIFIER_SETTINGS,
  END_POSTED_WITHIN_MS,
  type NotifierSettings,
  notifierSettings,
  notifierSettingsFromEnv,
  pollIntervalMs,
  tickMs,
  worstCaseEndToPostMs,
} from './settings';
export type { FollowState, WatchedJob } from './watch-data';
