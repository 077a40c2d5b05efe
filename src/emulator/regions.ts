/**
 * Azure region names as the emulator compares them, and the paired-region table that gives a GeoRedundant
 * vault its default secondary region. The table is data so that adding a pair is a one-line change.
 */

/** Azure accepts `East US`, `eastus` and `EastUS` for the same region; we compare lower-case, spaces removed. */
export function normalizeRegion(region: string): string {
  return region.replace(/\s+/g, '').toLowerCase();
}

/** Azure's documented region pairs (primary → secondary used for geo-replication and Cross Region Restore). */
export const PAIRED_REGIONS: Readonly<Record<string, string>> = Object.freeze({
  eastus: 'westus',
  westus: 'eastus',
  eastus2: 'centralus',
  centralus: 'eastus2',
  westus2: 'westcentralus',
  westcentralus: 'westus2',
  westus3: 'eastus',
  northcentralus: 'southcentralus',
  southcentralus: 'northcentralus',
  canadacentral: 'canadaeast',
  canadaeast: 'canadacentral',
  brazilsouth: 'southcentralus',
  northeurope: 'westeurope',
  westeurope: 'northeurope',
  uksouth: 'ukwest',
  ukwest: 'uksouth',
  francecentral: 'francesouth',
  francesouth: 'francecentral',
  germanywestcentral: 'germanynorth',
  germanynorth: 'germanywestcentral',
  switzerlandnorth: 'switzerlandwest',
  switzerlandwest: 'switzerlandnorth',
  norwayeast: 'norwaywest',
  norwaywest: 'norwayeast',
  swedencentral: 'swedensouth',
  swedensouth: 'swedencentral',
  eastasia: 'southeastasia',
  southeastasia: 'eastasia',
  japaneast: 'japanwest',
  japanwest: 'japaneast',
  koreacentral: 'koreasouth',
  koreasouth: 'koreacentral',
  australiaeast: 'australiasoutheast',
  australiasoutheast: 'australiaeast',
  australiacentral: 'australiacentral2',
  australiacentral2: 'australiacentral',
  centralindia: 'southindia',
  southindia: 'centralindia',
  westindia: 'southindia',
  southafricanorth: 'southafricawest',
  southafricawest: 'southafricanorth',
  uaenorth: 'uaecentral',
  uaecentral: 'uaenorth',
});

/** The paired region of `region`, or undefined when Azure documents none (or the name is unknown). */
export function pairedRegion(region: string): string | undefined {
  return PAIRED_REGIONS[normalizeRegion(region)];
}
