-- The archive's history and the enterprises' own corrections (常州办法 第二十一条: the enterprise
-- digital archive; 江阴办法 第十四条 enterprises maintain their information).
-- Values are stored as text in the rule language's canonical form ("2000万", "3.5%", "2020-01-01").

CREATE TABLE enterprise_history (
  id {{pk}},
  enterprise_id {{bigint}} NOT NULL REFERENCES enterprises (id),
  attribute TEXT NOT NULL,
  old_value TEXT,
  new_value TEXT,
  changed_at TEXT NOT NULL,
  source TEXT NOT NULL,
  actor_login TEXT NOT NULL
);
CREATE INDEX enterprise_history_enterprise ON enterprise_history (enterprise_id, id);

CREATE TABLE enterprise_corrections (
  id {{pk}},
  enterprise_id {{bigint}} NOT NULL REFERENCES enterprises (id),
  attribute TEXT NOT NULL,
  current_value TEXT,
  proposed_value TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  data_source TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
  created_by {{bigint}} REFERENCES users (id),
  created_at TEXT NOT NULL,
  resolved_by {{bigint}} REFERENCES users (id),
  resolved_at TEXT,
  resolution_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX enterprise_corrections_status ON enterprise_corrections (status, id);
CREATE INDEX enterprise_corrections_enterprise ON enterprise_corrections (enterprise_id, id);
