/** Subscriptions API and Backup vault operations (get, list, PATCH, PUT). */
import { ArmError } from '../http';
import { acceptedResponse, startOperation } from '../operations';
import { pageArray } from '../paging';
import { subscriptionResource, vaultResource } from '../shapes';
import { applyVaultPatch, applyVaultPut } from '../vault-update';
import { type ArmHandler, requireResourceGroup, requireSubscription, requireVault } from './context';

export const listSubscriptions: ArmHandler = (ctx) => ({
  status: 200,
  body: pageArray(ctx, ctx.world.subscriptions, subscriptionResource),
});

export const getSubscription: ArmHandler = (ctx) => {
  const sub = ctx.world.findSubscription(ctx.params.sub ?? '');
  if (!sub) throw new ArmError(404, 'SubscriptionNotFound', `The subscription '${ctx.params.sub}' could not be found.`);
  return { status: 200, body: subscriptionResource(sub) };
};

export const listVaultsInSubscription: ArmHandler = (ctx) => {
  const sub = requireSubscription(ctx);
  return { status: 200, body: pageArray(ctx, sub.vaults, (v) => vaultResource(v)) };
};

export const listVaultsInResourceGroup: ArmHandler = (ctx) => {
  const sub = requireSubscription(ctx);
  const rg = requireResourceGroup(ctx, sub).toLowerCase();
  const vaults = sub.vaults.filter((v) => v.resourceGroup.toLowerCase() === rg);
  return { status: 200, body: pageArray(ctx, vaults, (v) => vaultResource(v)) };
};

export const getVault: ArmHandler = (ctx) => ({ status: 200, body: vaultResource(requireVault(ctx)) });

/** PATCH is checked and applied at once; the answer is a 202 that polls to the updated vault, as in Azure. */
export const patchVault: ArmHandler = (ctx) => {
  const vault = requireVault(ctx);
  applyVaultPatch(vault, ctx.body());
  const op = startOperation(ctx.world, { kind: 'vaultUpdate', vault, region: vault.location });
  return acceptedResponse(ctx.world, ctx.origin, op);
};

export const putVault: ArmHandler = (ctx) => {
  const sub = requireSubscription(ctx);
  const { rg = '', vault: name = '' } = ctx.params;
  const { vault, created } = applyVaultPut(ctx.world, sub, rg, name, ctx.body());
  return { status: created ? 201 : 200, body: vaultResource(vault) };
};
