import { jsonParam, type Queryable } from './db';

/**
 * What the bot last saw of each Backup vault and the backup instances it protects, so that restores can
 * still be asked for when the vault's own region does not answer (a regional outage). The store keeps the
 * JSON it is given; what a vault or instance record holds is the inventory module's business.
 *
 * ARM ids compare case-insensitively, so rows are keyed by the lower-cased id and keep the id as Azure wrote
 * it. Every write carries the time the data was read from Azure: an older read never overwrites a newer one,
 * whichever of two concurrent refreshes (or replicas) finishes last.
 */
export interface InventoryVaultRecord<V = unknown, I = unknown> {
  vaultId: string;
  subscriptionId: string;
  vault: V;
  /** When the vault itself was last read from Azure. */
  refreshedAt: Date;
  /** Its backup instances as last listed; undefined when they were never listed. */
  instances: I[] | undefined;
  instancesRefreshedAt: Date | undefined;
}

export interface InventoryRecords {
  /**
   * Stores vaults read from Azure at `at`. With `complete` (the whole listing of `subscriptionId` was read),
   * vaults of that subscription that it no longer contains are forgotten.
   */
  putVaults<V>(
    subscriptionId: string,
    vaults: readonly { vaultId: string; vault: V }[],
    at: Date,
    options?: { complete?: boolean },
  ): Promise<void>;
  /** Stores the listing of a vault's instances read at `at`; false when the vault itself is not stored. */
  putInstances<I>(vaultId: string, instances: readonly I[], at: Date): Promise<boolean>;
  getVault<V = unknown, I = unknown>(vaultId: string): Promise<InventoryVaultRecord<V, I> | undefined>;
  /** Every stored vault, by subscription and id. */
  listVaults<V = unknown, I = unknown>(): Promise<InventoryVaultRecord<V, I>[]>;
}

interface Row {
  vault_id: string;
  subscription_id: string;
  vault: unknown;
  refreshed_at: Date;
  instances: unknown[] | null;
  instances_refreshed_at: Date | null;
}

const COLUMNS = 'vault_id, subscription_id, vault, refreshed_at, instances, instances_refreshed_at';

export function inventoryRecords(db: Queryable): InventoryRecords {
  return {
    async putVaults(subscriptionId, vaults, at, options = {}) {
      await db.transaction(async (tx) => {
        for (const { vaultId, vault } of vaults) {
          await tx.query(
            `INSERT INTO inventory_vaults (vault_key, subscription_key, vault_id, subscription_id, vault, refreshed_at)
             VALUES (lower($1), lower($2), $1, $2, $3::jsonb, $4)
             ON CONFLICT (vault_key) DO UPDATE
               SET vault_id = EXCLUDED.vault_id, vault = EXCLUDED.vault, refreshed_at = EXCLUDED.refreshed_at
               WHERE inventory_vaults.refreshed_at <= EXCLUDED.refreshed_at`,
            [vaultId, subscriptionId, jsonParam(vault), at],
          );
        }
        if (options.complete) {
          await tx.query(
            `DELETE FROM inventory_vaults
             WHERE subscription_key = lower($1) AND refreshed_at < $2 AND NOT (vault_key = ANY ($3::text[]))`,
            [subscriptionId, at, vaults.map((v) => v.vaultId.toLowerCase())],
          );
        }
      });
    },

    async putInstances(vaultId, instances, at) {
      const { rowCount } = await db.query(
        `UPDATE inventory_vaults SET instances = $2::jsonb, instances_refreshed_at = $3
         WHERE vault_key = lower($1) AND (instances_refreshed_at IS NULL OR instances_refreshed_at <= $3)`,
        [vaultId, jsonParam(instances), at],
      );
      if (rowCount === 1) return true;
      // Not updated: either the vault is unknown, or a newer listing is already stored (that still counts).
      const { rows } = await db.query('SELECT 1 FROM inventory_vaults WHERE vault_key = lower($1)', [vaultId]);
      return rows.length === 1;
    },

    async getVault<V, I>(vaultId: string) {
      const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM inventory_vaults WHERE vault_key = lower($1)`, [
        vaultId,
      ]);
      return rows[0] ? toRecord<V, I>(rows[0]) : undefined;
    },

    async listVaults<V, I>() {
      const { rows } = await db.query<Row>(
        `SELECT ${COLUMNS} FROM inventory_vaults ORDER BY subscription_key, vault_key`,
      );
      return rows.map((row) => toRecord<V, I>(row));
    },
  };
}

function toRecord<V, I>(row: Row): InventoryVaultRecord<V, I> {
  return {
    vaultId: row.vault_id,
    subscriptionId: row.subscription_id,
    vault: row.vault as V,
    refreshedAt: new Date(row.refreshed_at),
    instances: row.instances === null ? undefined : (row.instances as I[]),
    instancesRefreshedAt: row.instances_refreshed_at === null ? undefined : new Date(row.instances_refreshed_at),
  };
}
