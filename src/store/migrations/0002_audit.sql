-- The hash-chained audit log (every state change, with before/after) and the change log that
-- feeds in-memory indexes. audit_head is the single row every writer updates first.

CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_id {{bigint}} NOT NULL,
  last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '');

CREATE TABLE audit_log (
  id {{bigint}} PRIMARY KEY,
  at TEXT NOT NULL,
  actor_user_id {{bigint}},
  actor_login TEXT NOT NULL,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  before_json TEXT NOT NULL,
  after_json TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

CREATE TABLE change_log (
  id {{pk}},
  at TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  op TEXT NOT NULL
);
