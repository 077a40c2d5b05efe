/**
 * Azure region names (the `name` form ARM uses in `location`, e.g. `westus`) and their paired regions.
 * Data, not logic: when Azure adds a region, add a line here. The pairs are the fallback for a vault's
 * secondary region when Azure does not list `replicatedRegions` (the Azure CLI does the same).
 */
// biome-ignore format: a data table reads better grouped by geography
export const AZURE_REGIONS: readonly string[] = [
  // Americas
  'eastus', 'eastus2', 'centralus', 'northcentralus', 'southcentralus', 'westcentralus', 'westus', 'westus2',
  'westus3', 'canadacentral', 'canadaeast', 'brazilsouth', 'brazilsoutheast', 'mexicocentral', 'chilecentral',
  // Europe
  'northeurope', 'westeurope', 'uksouth', 'ukwest', 'francecentral', 'francesouth', 'germanywestcentral',
  'germanynorth', 'switzerlandnorth', 'switzerlandwest', 'norwayeast', 'norwaywest', 'swedencentral',
  'swedensouth', 'polandcentral', 'italynorth', 'spaincentral', 'austriaeast', 'belgiumcentral',
  // Asia Pacific
  'eastasia', 'southeastasia', 'japaneast', 'japanwest', 'koreacentral', 'koreasouth', 'australiaeast',
  'australiasoutheast', 'australiacentral', 'australiacentral2', 'centralindia', 'southindia', 'westindia',
  'jioindiawest', 'jioindiacentral', 'newzealandnorth', 'indonesiacentral', 'malaysiawest',
  // Middle East and Africa
  'southafricanorth', 'southafricawest', 'uaenorth', 'uaecentral', 'qatarcentral', 'israelcentral',
  // Sovereign clouds
  'usgovvirginia', 'usgovarizona', 'usgovtexas', 'usdodeast', 'usdodcentral', 'chinaeast', 'chinaeast2',
  'chinaeast3', 'chinanorth', 'chinanorth2', 'chinanorth3',
  // Early-access (EUAP) regions
  'eastus2euap', 'centraluseuap',
];

// biome-ignore format: pairs stay on one line each
export const PAIRED_REGIONS: Readonly<Record<string, string>> = {
  eastus: 'westus', westus: 'eastus',
  eastus2: 'centralus', centralus: 'eastus2',
  northcentralus: 'southcentralus', southcentralus: 'northcentralus',
  westus2: 'westcentralus', westcentralus: 'westus2',
  westus3: 'eastus',
  canadacentral: 'canadaeast', canadaeast: 'canadacentral',
  brazilsouth: 'southcentralus', brazilsoutheast: 'brazilsouth',
  northeurope: 'westeurope', westeurope: 'northeurope',
  uksouth: 'ukwest', ukwest: 'uksouth',
  francecentral: 'francesouth', francesouth: 'francecentral',
  germanywestcentral: 'germanynorth', germanynorth: 'germanywestcentral',
  switzerlandnorth: 'switzerlandwest', switzerlandwest: 'switzerlandnorth',
  norwayeast: 'norwaywest', norwaywest: 'norwayeast',
  swedencentral: 'swedensouth', swedensouth: 'swedencentral',
  eastasia: 'southeastasia', southeastasia: 'eastasia',
  japaneast: 'japanwest', japanwest: 'japaneast',
  koreacentral: 'koreasouth', koreasouth: 'koreacentral',
  australiaeast: 'australiasoutheast', australiasoutheast: 'australiaeast',
  australiacentral: 'australiacentral2', australiacentral2: 'australiacentral',
  centralindia: 'southindia', southindia: 'centralindia', westindia: 'southindia',
  jioindiawest: 'jioindiacentral', jioindiacentral: 'jioindiawest',
  southafricanorth: 'southafricawest', southafricawest: 'southafricanorth',
  uaenorth: 'uaecentral', uaecentral: 'uaenorth',
  usgovvirginia: 'usgovtexas', usgovtexas: 'usgovarizona', usgovarizona: 'usgovtexas',
  usdodeast: 'usdodcentral', usdodcentral: 'usdodeast',
  chinaeast: 'chinanorth', chinanorth: 'chinaeast',
  chinaeast2: 'chinanorth2', chinanorth2: 'chinaeast2',
  chinaeast3: 'chinanorth3', chinanorth3: 'chinaeast3',
  eastus2euap: 'centraluseuap', centraluseuap: 'eastus2euap',
};

/**
 * ARM writes locations as `eastus` but examples and portals also say `East US` or `east us`: compare
 * regions in this canonical form.
 */
export function normalizeRegion(region: string): string {
  return region.replace(/[\s_-]+/g, '').toLowerCase();
}

export function regionEquals(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && normalizeRegion(a) === normalizeRegion(b);
}

export function isKnownRegion(region: string): boolean {
  return AZURE_REGIONS.includes(region);
}

export function pairedRegion(region: string): string | undefined {
  return PAIRED_REGIONS[normalizeRegion(region)];
}
