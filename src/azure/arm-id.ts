import { BotError } from '../errors';

/**
 * ARM resource ids. Azure's own payloads mix casings (`Backupvaults` / `backupVaults`, `BackupInstances` /
 * `backupInstances`), so every comparison here is case-insensitive, and ids we build use the spec's casing.
 */
export interface ArmIdSegment {
  type: string;
  name: string;
}

export interface ParsedArmId {
  subscriptionId: string;
  resourceGroup?: string;
  provider?: string;
  /** Typed segments after the provider, e.g. [{type:'backupVaults', name:'v'}, {type:'backupInstances', name:'bi'}]. */
  resources: ArmIdSegment[];
}

export interface VaultRef {
  subscriptionId: string;
  resourceGroup: string;
  vaultName: string;
}
export interface BackupInstanceRef extends VaultRef {
  backupInstanceName: string;
}
export interface RecoveryPointRef extends BackupInstanceRef {
  recoveryPointName: string;
}
export interface JobRef extends VaultRef {
  jobName: string;
}

const PROVIDER = 'Microsoft.DataProtection';

export function parseArmId(id: string): ParsedArmId {
  const parts = id
    .trim()
    .replace(/^\/+|\/+$/g, '')
    .split('/')
    .map(decodeSegment);
  if (parts.length < 2 || !eq(parts[0], 'subscriptions') || !parts[1])
    throw invalidId(id, 'it does not start with /subscriptions/{id}');
  const parsed: ParsedArmId = { subscriptionId: parts[1], resources: [] };
  let i = 2;
  if (eq(parts[i], 'resourceGroups')) {
    if (!parts[i + 1]) throw invalidId(id, 'the resource group name is missing');
    parsed.resourceGroup = parts[i + 1];
    i += 2;
  }
  if (i < parts.length) {
    if (!eq(parts[i], 'providers') || !parts[i + 1]) throw invalidId(id, 'expected /providers/{namespace}');
    parsed.provider = parts[i + 1];
    i += 2;
  }
  for (; i < parts.length; i += 2) {
    if (!parts[i + 1]) throw invalidId(id, `the name after "${parts[i]}" is missing`);
    parsed.resources.push({ type: parts[i], name: parts[i + 1] });
  }
  return parsed;
}

/** Same resource? Case-insensitive, tolerant of trailing slashes and percent-encoding differences. */
export function armIdEquals(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  return canonicalKey(a) === canonicalKey(b);
}

/** A stable key for maps and sets of ARM ids. */
export function canonicalKey(id: string): string {
  return id
    .trim()
    .replace(/^\/+|\/+$/g, '')
    .split('/')
    .map((p) => decodeSegment(p).toLowerCase())
    .join('/');
}

export function parseVaultId(id: string): VaultRef {
  const p = parseDataProtectionId(id, 1);
  return { subscriptionId: p.subscriptionId, resourceGroup: p.resourceGroup, vaultName: p.names[0] };
}

export function parseBackupInstanceId(id: string): BackupInstanceRef {
  const p = parseDataProtectionId(id, 2, ['backupInstances']);
  return { ...parseVaultId(id), backupInstanceName: p.names[1] };
}

export function parseRecoveryPointId(id: string): RecoveryPointRef {
  const p = parseDataProtectionId(id, 3, ['backupInstances', 'recoveryPoints']);
  return { ...parseBackupInstanceId(id), recoveryPointName: p.names[2] };
}

export function parseJobId(id: string): JobRef {
  const p = parseDataProtectionId(id, 2, ['backupJobs']);
  return { ...parseVaultId(id), jobName: p.names[1] };
}

/** The vault that owns any vault child id (instance, recovery point, job). */
export function vaultIdOf(childId: string): string {
  return vaultId(parseVaultId(childId));
}

export function vaultId(ref: VaultRef): string {
  return `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/${PROVIDER}/backupVaults/${ref.vaultName}`;
}

export function backupInstanceId(ref: BackupInstanceRef): string {
  return `${vaultId(ref)}/backupInstances/${ref.backupInstanceName}`;
}

export function jobId(ref: JobRef): string {
  return `${vaultId(ref)}/backupJobs/${ref.jobName}`;
}

/**
 * Operations report `jobId` either as a bare GUID (spec examples) or as a full ARM id (the PG-flex REST
 * walkthrough). Callers always get the full id.
 */
export function normaliseJobId(jobIdOrName: string, ownerVaultId: string): string {
  const trimmed = jobIdOrName.trim();
  if (trimmed.startsWith('/')) return trimmed;
  return jobId({ ...parseVaultId(ownerVaultId), jobName: trimmed });
}

/** Last segment of an ARM id (a job's GUID, a recovery point's name). */
export function lastSegment(id: string): string {
  const parts = id.replace(/\/+$/, '').split('/');
  return decodeSegment(parts[parts.length - 1] ?? '');
}

/** URL path of a parsed reference, with each name percent-encoded. */
export function armPath(id: string): string {
  const p = parseArmId(id);
  const enc = encodeURIComponent;
  let path = `/subscriptions/${enc(p.subscriptionId)}`;
  if (p.resourceGroup !== undefined) path += `/resourceGroups/${enc(p.resourceGroup)}`;
  if (p.provider !== undefined) path += `/providers/${p.provider}`;
  for (const r of p.resources) path += `/${r.type}/${enc(r.name)}`;
  return path;
}

function parseDataProtectionId(id: string, depth: number, childTypes: string[] = []) {
  const p = parseArmId(id);
  if (!p.resourceGroup) throw invalidId(id, 'the resource group is missing');
  if (!eq(p.provider, PROVIDER)) throw invalidId(id, `the provider is not ${PROVIDER}`);
  const wanted = ['backupVaults', ...childTypes];
  if (p.resources.length < depth) throw invalidId(id, `expected ${wanted.slice(0, depth).join('/')}`);
  for (let i = 0; i < depth; i++) {
    if (!eq(p.resources[i].type, wanted[i]))
      throw invalidId(id, `expected "${wanted[i]}" but found "${p.resources[i].type}"`);
  }
  return { subscriptionId: p.subscriptionId, resourceGroup: p.resourceGroup, names: p.resources.map((r) => r.name) };
}

function eq(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase() === b.toLowerCase();
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function invalidId(id: string, why: string): BotError {
  return new BotError('AZURE_INVALID_RESOURCE_ID', `Not a valid Azure resource id (${why}): ${id.slice(0, 300)}`, {
    id,
  });
}
