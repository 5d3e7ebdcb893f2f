-- Issue 13: applications and their review (江阴办法 第十九—二十一条; 常州办法 第十四、二十三、二十四、
-- 二十六、二十八条). A department defines each item's form (fields bound to archive attributes) and
-- its stages; an application fills the form from the archive, is submitted with its decision
-- trace, and passes stage by stage, each stage on the working-day clock, each opinion sealed.

CREATE TABLE item_forms (
  item_id {{bigint}} PRIMARY KEY REFERENCES items (id),
  version {{bigint}} NOT NULL,
  fields TEXT NOT NULL,
  updated_by {{bigint}} REFERENCES users (id),
  updated_at TEXT NOT NULL
);

CREATE TABLE item_workflows (
  item_id {{bigint}} PRIMARY KEY REFERENCES items (id),
  version {{bigint}} NOT NULL,
  stages TEXT NOT NULL,
  confidential INTEGER NOT NULL DEFAULT 0,
  updated_by {{bigint}} REFERENCES users (id),
  updated_at TEXT NOT NULL
);

CREATE TABLE applications (
  id {{pk}},
  case_no TEXT NOT NULL UNIQUE,
  item_id {{bigint}} NOT NULL REFERENCES items (id),
  department_id {{bigint}} NOT NULL REFERENCES departments (id),
  uscc TEXT NOT NULL,
  enterprise_name TEXT NOT NULL,
  applicant_user_id {{bigint}} REFERENCES users (id),
  channel TEXT NOT NULL CHECK (channel IN ('online', 'counter')),
  counter_user_id {{bigint}} REFERENCES users (id),
  authorization_note TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'returned', 'in_review', 'publicity', 'approved',
                                         'rejected', 'withdrawn')),
  form_version {{bigint}} NOT NULL DEFAULT 0,
  flow TEXT NOT NULL,
  form_values TEXT NOT NULL DEFAULT '{}',
  archive_values TEXT NOT NULL DEFAULT '{}',
  mismatches TEXT NOT NULL DEFAULT '[]',
  verdict TEXT NOT NULL DEFAULT '',
  rule_version_id {{bigint}},
  rule_text TEXT NOT NULL DEFAULT '',
  trace TEXT NOT NULL DEFAULT '[]',
  facts TEXT NOT NULL DEFAULT '{}',
  amount_requested_fen {{bigint}},
  amount_approved_fen {{bigint}},
  round {{bigint}} NOT NULL DEFAULT 0,
  stage_seq {{bigint}} NOT NULL DEFAULT 0,
  decision_note TEXT NOT NULL DEFAULT '',
  decision_basis TEXT NOT NULL DEFAULT '',
  publicity_ends_on TEXT,
  created_at TEXT NOT NULL,
  submitted_at TEXT,
  decided_at TEXT,
  updated_at TEXT NOT NULL
);
CREATE INDEX applications_uscc ON applications (uscc, id);
CREATE INDEX applications_item ON applications (item_id, status);
CREATE INDEX applications_department ON applications (department_id, status);
-- One open application per enterprise and item (a draft or one under way).
CREATE UNIQUE INDEX applications_one_open ON applications (uscc, item_id)
  WHERE status IN ('draft', 'submitted', 'returned', 'in_review', 'publicity');

CREATE TABLE application_materials (
  id {{pk}},
  application_id {{bigint}} NOT NULL REFERENCES applications (id),
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  file_id {{bigint}} REFERENCES files (id),
  provided TEXT NOT NULL CHECK (provided IN ('upload', 'data_sharing', 'missing')),
  round {{bigint}} NOT NULL DEFAULT 0,
  added_at TEXT NOT NULL
);
CREATE INDEX application_materials_app ON application_materials (application_id, position);

-- The stages of one application; a joint review (会审) is one row per department with the same seq.
CREATE TABLE application_stages (
  id {{pk}},
  application_id {{bigint}} NOT NULL REFERENCES applications (id),
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  department_id {{bigint}} NOT NULL REFERENCES departments (id),
  status TEXT NOT NULL CHECK (status IN ('waiting', 'active', 'paused', 'done', 'refused', 'cancelled')),
  assignee_user_id {{bigint}} REFERENCES users (id),
  days INTEGER NOT NULL DEFAULT 0,
  days_used INTEGER NOT NULL DEFAULT 0,
  started_on TEXT,
  due_on TEXT,
  finished_at TEXT,
  overdue INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX application_stages_app ON application_stages (application_id, seq);
CREATE INDEX application_stages_queue ON application_stages (department_id, status, due_on);

-- 一次性告知: one notice lists everything to supply or correct.
CREATE TABLE deficiency_notices (
  id {{pk}},
  application_id {{bigint}} NOT NULL REFERENCES applications (id),
  stage_id {{bigint}} NOT NULL REFERENCES application_stages (id),
  round {{bigint}} NOT NULL,
  items TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  issued_by {{bigint}} REFERENCES users (id),
  issued_at TEXT NOT NULL,
  answered_at TEXT
);
CREATE INDEX deficiency_notices_app ON deficiency_notices (application_id);

CREATE TABLE opinions (
  id {{pk}},
  application_id {{bigint}} NOT NULL REFERENCES applications (id),
  stage_id {{bigint}} NOT NULL REFERENCES application_stages (id),
  department_id {{bigint}} NOT NULL REFERENCES departments (id),
  reviewer_user_id {{bigint}} REFERENCES users (id),
  reviewer_login TEXT NOT NULL,
  stage_kind TEXT NOT NULL,
  decision TEXT NOT NULL,
  text TEXT NOT NULL,
  material_hashes TEXT NOT NULL DEFAULT '[]',
  reviewed_at TEXT NOT NULL,
  signature TEXT NOT NULL DEFAULT '',
  seal_serial TEXT NOT NULL DEFAULT '',
  data_sm3 TEXT NOT NULL DEFAULT ''
);
CREATE INDEX opinions_app ON opinions (application_id);

CREATE TABLE objections (
  id {{pk}},
  application_id {{bigint}} NOT NULL REFERENCES applications (id),
  user_id {{bigint}} REFERENCES users (id),
  text TEXT NOT NULL,
  filed_at TEXT NOT NULL,
  answer TEXT NOT NULL DEFAULT '',
  answered_by {{bigint}} REFERENCES users (id),
  answered_at TEXT
);
CREATE INDEX objections_app ON objections (application_id);

-- Every step of an application as the applicant's timeline shows it (append-only).
CREATE TABLE application_events (
  id {{pk}},
  application_id {{bigint}} NOT NULL REFERENCES applications (id),
  at TEXT NOT NULL,
  actor_login TEXT NOT NULL,
  action TEXT NOT NULL,
  status TEXT NOT NULL,
  stage_id {{bigint}},
  text TEXT NOT NULL DEFAULT ''
);
CREATE INDEX application_events_app ON application_events (application_id, id);

CREATE TABLE case_counters (
  year INTEGER PRIMARY KEY,
  last {{bigint}} NOT NULL
);
