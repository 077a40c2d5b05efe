/** The inventory: what the bot last saw of vaults and instances, for restores while their region is down. */
export { ageWords, asOf } from './age';
export { forEachLimited } from './each-limited';
export { type KnownVault, type RecordOptions, RestoreInventory, type RestoreInventoryOptions } from './inventory';
export {
  DEFAULT_OUTAGE_MEMORY_MS,
  isRegionUnreachable,
  outageCodeOf,
  type RegionOutage,
  RegionOutages,
} from './outage';
export {
  type InventoryClient,
  InventoryRefresher,
  type InventoryRefresherOptions,
  type InventoryRefreshReport,
} from './refresher';
export { storedInstanceOf, storedVaultOf } from './stored';
