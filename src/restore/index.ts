/** The restore domain's public surface: requests and their lifecycle, policy, prechecks, messages. */

export { AZURE_REGIONS, isKnownRegion, normalizeRegion, PAIRED_REGIONS, pairedRegion } from '../azure/regions';
export * from './approvals';
export * from './audit';
export * from './format';
export * from './ids';
export { botError, catalogue, type MessageKey, type MessageParams, message, STATE_LABELS } from './messages';
export * from './policy';
export * from './ports';
export * from './prechecks';
export * from './request';
export * from './restore-body';
export * from './transitions';
export * from './vault-posture';
export * from './vault-settings';
