/**
 * Running restores as the trigger leaves them, without walking the approval each time: a real restore (or
 * Cross Region Restore) started in the emulator through the real client, and in the store the request in
 * `running`, its approval card record (`approval:<id>`, whose first message is the thread) and the job watch
 * with the data the trigger writes (src/restore/service/trigger.ts, recordJob). The whole-bot journeys walk
 * the real approval; these fixtures let the notifier tests and the benchmark set up many jobs quickly.
 */
import type { DataProtectionClient } from '../../src/azure';
import { lastSegment } from '../../src/azure';
import { ApprovalMessages } from '../../src/dialogs/approval/approval-messages';
import type { MessageRef } from '../../src/dialogs/ports';
import {
  createDraftRequest,
  crossRegionRestoreBody,
  type DataRestoreRequest,
  filePrefix,
  type Requester,
  type RestoreTargetRef,
  restoreBody,
  transition,
} from '../../src/restore';
import type { Store } from '../../src/store';

export const APPROVALS_CHANNEL = '19:restore-approvals@thread.tacv2';

export const REQUESTER: Requester = {
  channel: 'teams',
  userId: '00000000-0000-0000-0000-00000000a000',
  displayName: 'Alex Wilber',
  tenantOrTeamId: '00000000-0000-0000-0000-0000000000001',
};

export interface InstancePick {
  vault: { id: string; name: string; location: string; secondaryRegion?: string };
  instance: { id: string; name: string; serverName: string };
  point: { id: string; time: string };
}

/** A server's vault, instance and a restorable point (for `secondary`: one already replicated there). */
export async function pickInstance(
  client: DataProtectionClient,
  vaultId: string,
  serverName: string,
  regionMode: 'primary' | 'secondary' = 'primary',
): Promise<InstancePick> {
  const vault = await client.getVault(vaultId);
  const instances = await client.listBackupInstances(vaultId).toArray();
  const instance = instances.find((i) => i.name.startsWith(serverName));
  if (!instance) throw new Error(`no instance ${serverName} in ${vault.name}`);
  const secondaryRegion = vault.properties.replicatedRegions?.[0];
  let point: { name: string; properties: { recoveryPointTime: string } } | undefined;
  if (regionMode === 'secondary') {
    if (!secondaryRegion) throw new Error(`${vault.name} has no secondary region`);
    const [first] = await client
      .fetchSecondaryRecoveryPoints(secondaryRegion, {
        sourceRegion: vault.location,
        sourceBackupInstanceId: instance.id,
      })
      .toArray(1);
    point = first;
  } else {
    point = await client.newestRecoveryPoint(instance.id);
  }
  if (!point) throw new Error(`${serverName} has no restorable point in the ${regionMode} region`);
  return {
    vault: {
      id: vault.id,
      name: vault.name,
      location: vault.location,
      ...(secondaryRegion ? { secondaryRegion } : {}),
    },
    instance: { id: instance.id, name: instance.name, serverName },
    point: { id: point.name, time: point.properties.recoveryPointTime },
  };
}

export interface RunningRestore {
  request: DataRestoreRequest;
  jobId: string;
  thread: MessageRef;
}

let sequence = 0;

/** A request id nobody else in the process uses: `R-` and four symbols of the id alphabet. */
export function nextRequestId(): string {
  const alphabet = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
  let n = sequence++ + Math.floor(Math.random() * 1000) * 1000;
  let body = '';
  for (let i = 0; i < 4; i++) {
    body += alphabet[n % 32];
    n = Math.floor(n / 32);
  }
  return `R-${body}`;
}

/**
 * Starts one restore in the emulator and records it as running and watched. `thread` defaults to an
 * approval card of its own in the approvals channel.
 */
export async function startRunningRestore(
  store: Store,
  client: DataProtectionClient,
  pick: InstancePick,
  options: {
    regionMode?: 'primary' | 'secondary';
    target?: RestoreTargetRef;
    thread?: MessageRef;
    requestId?: string;
    requester?: Requester;
  } = {},
): Promise<RunningRestore> {
  const regionMode = options.regionMode ?? 'primary';
  const restoreRegion = regionMode === 'secondary' ? pick.vault.secondaryRegion! : pick.vault.location;
  const target = options.target ?? {
    name: `dr-${restoreRegion}`,
    region: restoreRegion,
    containerUrl: `https://stcontosodr${restoreRegion}.blob.core.windows.net/pg-restores`,
  };
  const now = new Date();
  const draft = createDraftRequest(
    {
      kind: 'restore',
      id: options.requestId ?? nextRequestId(),
      requester: options.requester ?? REQUESTER,
      vault: { id: pick.vault.id, name: pick.vault.name, location: pick.vault.location },
      backupInstance: pick.instance,
      regionMode,
      recoveryPoint: pick.point,
      target,
      requiredApprovals: 1,
      postTo: { channel: 'teams', conversationId: APPROVALS_CHANNEL },
    },
    now,
  ) as DataRestoreRequest;
  const validation = {
    ok: true,
    checkedAt: now.toISOString(),
    failures: [],
    warnings: [],
    azure: { status: 'Succeeded' as const },
  };
  const offered = transition(
    draft,
    { type: 'submit', validation, expiresAt: new Date(now.getTime() + 3_600_000).toISOString() },
    now,
  );
  const approved = transition(
    offered,
    { type: 'approve', by: { principal: 'approver', displayName: 'Megan Bowen' } },
    now,
  );
  const triggering = transition(approved, { type: 'trigger' }, now) as DataRestoreRequest;

  if (regionMode === 'secondary') {
    await client.crossRegionRestore(
      restoreRegion,
      crossRegionRestoreBody(triggering, pick.vault.location, restoreRegion),
    );
  } else {
    await client.restore(pick.instance.id, restoreBody(triggering, restoreRegion));
  }
  const prefix = filePrefix(triggering);
  const jobs =
    regionMode === 'secondary'
      ? client.fetchCrossRegionRestoreJobs(restoreRegion, {
          sourceRegion: pick.vault.location,
          sourceBackupVaultId: pick.vault.id,
        })
      : client.listJobs(pick.vault.id);
  const job = (await jobs.toArray()).find((j) => j.properties.extendedInfo?.additionalDetails?.FilePrefix === prefix);
  if (!job?.id) throw new Error(`the emulator lists no job for ${prefix}`);
  const running = transition(triggering, { type: 'triggered', jobId: job.id }, now) as DataRestoreRequest;

  const thread: MessageRef = options.thread ?? {
    channel: 'teams',
    conversationId: APPROVALS_CHANNEL,
    messageId: `card-${running.id}`,
    threadId: `card-${running.id}`,
  };
  await store.requests.insert({
    id: running.id,
    kind: 'restore',
    state: 'running',
    data: running,
    expiresAt: new Date(running.expiresAt!),
    createdAt: now,
  });
  const approvals = new ApprovalMessages(store.conversations);
  await approvals.open(running.id);
  await approvals.addMessage(running.id, thread);
  await store.watches.register({
    id: job.id,
    requestId: running.id,
    data: {
      jobId: job.id,
      requestId: running.id,
      vaultId: pick.vault.id,
      operation: regionMode === 'secondary' ? 'crossRegionRestore' : 'restore',
      sourceRegion: pick.vault.location,
      restoreRegion,
    },
  });
  return { request: running, jobId: job.id, thread };
}

export function jobGuid(jobId: string): string {
  return lastSegment(jobId);
}
