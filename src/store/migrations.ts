/**
 * The schema, as numbered steps. A step is never edited once released: change the schema by appending a step.
 * The same SQL runs on PGlite and PostgreSQL (15+), so only features both have are used.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'requests, intents, job watches, idempotency keys, conversation references, dialog state, audit log',
    sql: `
CREATE TABLE request_records (
  id          text PRIMARY KEY,
  kind        text NOT NULL,
  state       text NOT NULL,
  version     integer NOT NULL,
  data        jsonb NOT NULL,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  expires_at  timestamptz
);
CREATE INDEX request_records_state_created ON request_records (state, created_at DESC);
CREATE INDEX request_records_expires ON request_records (expires_at) WHERE expires_at IS NOT NULL;

-- Written before Azure is called, so a crash between the call and recording the job is detectable.
CREATE TABLE trigger_intents (
  request_id       text PRIMARY KEY REFERENCES request_records (id),
  details          jsonb NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
  job_id           text,
  poller_state     jsonb,
  job_recorded_at  timestamptz
);

CREATE TABLE job_watches (
  id                text PRIMARY KEY,
  request_id        text NOT NULL,
  data              jsonb NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
  owner             text,
  lease_token       text,
  lease_expires_at  timestamptz,
  completed_at      timestamptz,
  result            jsonb
);
CREATE INDEX job_watches_open ON job_watches (created_at) WHERE completed_at IS NULL;

CREATE TABLE idempotency_keys (
  key         text PRIMARY KEY,
  claimed_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  done_at     timestamptz,
  result      jsonb
);
CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at);

CREATE TABLE conversation_references (
  key         text PRIMARY KEY,
  value       jsonb NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE dialog_state (
  key         text PRIMARY KEY,
  value       jsonb NOT NULL,
  etag        text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE audit_events (
  seq         bigint PRIMARY KEY,
  at          timestamptz NOT NULL,
  type        text NOT NULL,
  actor_id    text NOT NULL,
  actor_name  text NOT NULL,
  channel     text NOT NULL,
  request_id  text,
  details     jsonb NOT NULL,
  prev_hash   text NOT NULL,
  hash        text NOT NULL
);
CREATE INDEX audit_events_request ON audit_events (request_id) WHERE request_id IS NOT NULL;

-- The application has no update or delete path; this makes the database refuse one too.
CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP;
END
$$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
`,
  },
  {
    version: 2,
    name: 'inventory of vaults and their backup instances, for restores while their region is down',
    sql: `
-- Keyed by the lower-cased ARM id (ids compare case-insensitively); the id as Azure wrote it is kept too.
CREATE TABLE inventory_vaults (
  vault_key               text PRIMARY KEY,
  subscription_key        text NOT NULL,
  vault_id                text NOT NULL,
  subscription_id         text NOT NULL,
  vault                   jsonb NOT NULL,
  refreshed_at            timestamptz NOT NULL,
  instances               jsonb,
  instances_refreshed_at  timestamptz
);
CREATE INDEX inventory_vaults_subscription ON inventory_vaults (subscription_key);
`,
  },
];

/** The newest schema this code understands. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
