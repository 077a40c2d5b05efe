/**
 * What an ARM handler gets, and the lookups most of them start with (each answering 404 ResourceNotFound
 * with a message naming what was missing).
 */
import { badRequest, type EmulatorResponse, notFound } from '../http';
import type { ListContext } from '../paging';
import type { Params } from '../router';
import type { BackupInstance, Subscription, Vault, World } from '../world';

export interface ArmContext extends ListContext {
  world: World;
  params: Params;
  method: string;
  /** The parsed JSON body; throws 400 InvalidRequestContent when it is malformed. */
  body(): unknown;
}

export type ArmHandler = (ctx: ArmContext) => EmulatorResponse;

export interface ArmRoute {
  handle: ArmHandler;
  /** The api-version this route accepts (the Subscriptions API has its own). */
  apiVersion: string;
}

export function requireSubscription(ctx: ArmContext): Subscription {
  const id = ctx.params.sub ?? '';
  const sub = ctx.world.findSubscription(id);
  if (!sub) throw notFound(`The subscription '${id}' could not be found.`);
  return sub;
}

export function requireResourceGroup(ctx: ArmContext, sub: Subscription): string {
  const rg = ctx.params.rg ?? '';
  if (!ctx.world.hasResourceGroup(sub, rg)) throw notFound(`Resource group '${rg}' could not be found.`);
  return rg;
}

export function requireVault(ctx: ArmContext): Vault {
  const sub = requireSubscription(ctx);
  const { rg = '', vault: name = '' } = ctx.params;
  const vault = ctx.world.findVault(sub.id, rg, name);
  if (!vault) {
    throw notFound(
      `The Resource 'Microsoft.DataProtection/backupVaults/${name}' under resource group '${rg}' was not found.`,
    );
  }
  return vault;
}

export function requireInstance(ctx: ArmContext, vault: Vault = requireVault(ctx)): BackupInstance {
  const name = ctx.params.bi ?? '';
  const instance = ctx.world.findInstance(vault, name);
  if (!instance) throw notFound(`Backup instance '${name}' was not found in vault '${vault.name}'.`);
  return instance;
}

const INSTANCE_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.DataProtection\/backupVaults\/([^/]+)\/backupInstances\/([^/]+)\/?$/i;
const VAULT_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.DataProtection\/backupVaults\/([^/]+)\/?$/i;

/** Resolves a backup instance ARM id from a request body (any casing). */
export function instanceFromArmId(world: World, armId: string, field: string): BackupInstance {
  const m = INSTANCE_ID.exec(armId.trim());
  if (!m) throw badRequest(`${field} '${armId}' is not a backup instance ARM id.`);
  const [, sub, rg, vaultName, bi] = m as unknown as [string, string, string, string, string];
  const vault = world.findVault(sub, rg, vaultName);
  const instance = vault && world.findInstance(vault, bi);
  if (!instance) throw notFound(`${field}: backup instance '${armId}' was not found.`);
  return instance;
}

/** Resolves a vault ARM id from a request body (any casing). */
export function vaultFromArmId(world: World, armId: string, field: string): Vault {
  const m = VAULT_ID.exec(armId.trim());
  if (!m) throw badRequest(`${field} '${armId}' is not a Backup vault ARM id.`);
  const [, sub, rg, name] = m as unknown as [string, string, string, string];
  const vault = world.findVault(sub, rg, name);
  if (!vault) throw notFound(`${field}: Backup vault '${armId}' was not found.`);
  return vault;
}
