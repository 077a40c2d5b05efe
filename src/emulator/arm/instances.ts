/** Backup instances and their recovery points (primary region). */
import { notFound } from '../http';
import { decodeSkipToken, nextLinkFor, PAGE_SIZE, pageArray } from '../paging';
import type { IndexRange } from '../recovery-points';
import { instanceResource, recoveryPointResource } from '../shapes';
import { parseTimeFilter } from '../time-filter';
import type { BackupInstance } from '../world';
import { type ArmContext, type ArmHandler, requireInstance, requireSubscription, requireVault } from './context';

export const listInstances: ArmHandler = (ctx) => {
  const vault = requireVault(ctx);
  return { status: 200, body: pageArray(ctx, vault.instances, instanceResource) };
};

export const getInstance: ArmHandler = (ctx) => ({ status: 200, body: instanceResource(requireInstance(ctx)) });

/** BackupInstancesExtensionRouting_List: the instances protecting one server, found from the server's id. */
export const listInstancesOfServer: ArmHandler = (ctx) => {
  const sub = requireSubscription(ctx);
  const serverId =
    `/subscriptions/${sub.id}/resourceGroups/${ctx.params.rg}/providers/Microsoft.DBforPostgreSQL/flexibleServers/${ctx.params.server}`.toLowerCase();
  const instances = sub.vaults.flatMap((v) => v.instances.filter((i) => i.serverId.toLowerCase() === serverId));
  return { status: 200, body: pageArray(ctx, instances, instanceResource) };
};

/**
 * One page of points from an index range, newest first. The skip token holds the absolute index of the next
 * point, so pages stay put even when the range's end moves (secondary replication advancing).
 */
export function pagePoints(
  ctx: ArmContext,
  instance: BackupInstance,
  range: IndexRange,
  tokenExtras: Record<string, unknown> = {},
): Record<string, unknown> {
  const token = decodeSkipToken(ctx.query.get('$skipToken'));
  const from = token && typeof token.i === 'number' ? Math.max(range.start, token.i) : range.start;
  const to = Math.min(range.end, from + PAGE_SIZE);
  const value: unknown[] = [];
  for (let i = from; i < to; i++) value.push(recoveryPointResource(instance, i));
  const body: Record<string, unknown> = { value };
  if (to < range.end) body.nextLink = nextLinkFor(ctx, { ...tokenExtras, i: to });
  return body;
}

export const listRecoveryPoints: ArmHandler = (ctx) => {
  const instance = requireInstance(ctx);
  const { fromMs, toMs } = parseTimeFilter(ctx.query.get('$filter'));
  return { status: 200, body: pagePoints(ctx, instance, instance.points.window(fromMs, toMs)) };
};

export const getRecoveryPoint: ArmHandler = (ctx) => {
  const instance = requireInstance(ctx);
  const id = ctx.params.rp ?? '';
  const index = instance.points.indexOf(id);
  if (index === undefined)
    throw notFound(`Recovery point '${id}' was not found for backup instance '${instance.name}'.`);
  return { status: 200, body: recoveryPointResource(instance, index) };
};
