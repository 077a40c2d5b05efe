import type { BackupInstanceResource } from '../../azure';
import type { ConversationAzure } from '../deps';
import { shortKey } from '../keys';
import type { ChoiceOption } from '../views';
import type { VaultSummary } from './vaults';

export interface InstanceSummary {
  id: string;
  name: string;
  /** The PostgreSQL server's name: what people know the instance by. */
  serverName: string;
  protection?: string;
}

export function instanceSummary(instance: BackupInstanceResource): InstanceSummary {
  const props = instance.properties;
  const protection = props.currentProtectionState ?? props.protectionStatus?.status;
  return {
    id: instance.id,
    name: instance.name,
    serverName: props.dataSourceInfo?.resourceName || props.friendlyName || instance.name,
    ...(protection ? { protection } : {}),
  };
}

export async function listInstances(client: ConversationAzure, vaultId: string): Promise<InstanceSummary[]> {
  return (await client.listBackupInstances(vaultId).toArray()).map(instanceSummary);
}

export function instanceKey(instanceId: string): string {
  return shortKey('i', instanceId);
}

export function instanceOptions(instances: readonly InstanceSummary[]): ChoiceOption[] {
  return instances.map((i) => ({
    value: instanceKey(i.id),
    label: i.serverName,
    description: i.protection ? `${i.name} · ${i.protection}` : i.name,
  }));
}

/**
 * Where a server named in the shortcut is protected: every (vault, instance) pair with that server name,
 * plus all server names seen (for "did you mean").
 */
export async function findServer(
  client: ConversationAzure,
  vaults: readonly VaultSummary[],
  serverName: string,
): Promise<{ matches: { vault: VaultSummary; instance: InstanceSummary }[]; serverNames: string[] }> {
  const wanted = serverName.trim().toLowerCase();
  const listed = await Promise.all(
    vaults.map(async (vault) => ({ vault, instances: await listInstances(client, vault.id) })),
  );
  const matches = listed.flatMap(({ vault, instances }) =>
    instances.filter((i) => i.serverName.toLowerCase() === wanted).map((instance) => ({ vault, instance })),
  );
  const serverNames = [...new Set(listed.flatMap((l) => l.instances.map((i) => i.serverName)))];
  return { matches, serverNames };
}
