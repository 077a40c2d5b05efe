/** Azure region names arrive as `East US`, `EastUS`, `eastus`, `east us`: compare them in this form. */
export function normaliseRegion(region: string): string {
  return region.replace(/\s+/g, '').toLowerCase();
}

export function regionEquals(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && normaliseRegion(a) === normaliseRegion(b);
}

/**
 * Azure's paired regions (where geo-redundant Backup vault data is replicated), used when a vault does not
 * report `replicatedRegions`, as the Azure CLI does. Some pairs are one-way (Brazil South → South Central US,
 * West India → South India, West US 3 → East US).
 */
export const PAIRED_REGIONS: Readonly<Record<string, string>> = {
  eastus: 'westus',
  westus: 'eastus',
  eastus2: 'centralus',
  centralus: 'eastus2',
  northcentralus: 'southcentralus',
  southcentralus: 'northcentralus',
  westus2: 'westcentralus',
  westcentralus: 'westus2',
  westus3: 'eastus',
  canadacentral: 'canadaeast',
  canadaeast: 'canadacentral',
  brazilsouth: 'southcentralus',
  brazilsoutheast: 'brazilsouth',
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
};

export function pairedRegion(region: string): string | undefined {
  return PAIRED_REGIONS[normaliseRegion(region)];
}
