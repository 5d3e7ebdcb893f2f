-- The policy library and the item catalogue (常州办法 第二、三章; 江阴办法 第三章).
-- A policy is a lineage of versions sharing root_id; at most one version of a lineage is
-- published at a time, earlier published versions become 'superseded' and stay readable.
-- Items (事项) belong to a lineage (policy_root_id) so a revision keeps its items.
-- Dates are 'YYYY-MM-DD', timestamps ISO-8601 text, booleans INTEGER 0/1, lists JSON text.

-- 常州办法 第六条: the nine policy types; admins may add more.
CREATE TABLE policy_types (
  code TEXT PRIMARY KEY,
  label TEXT NOT NULL UNIQUE,
  position INTEGER NOT NULL DEFAULT 100,
  created_at TEXT NOT NULL
);
INSERT INTO policy_types (code, label, position, created_at) VALUES
  ('startup', '创业扶持', 1, '2026-01-01T00:00:00+08:00'),
  ('finance', '财政金融', 2, '2026-01-01T00:00:00+08:00'),
  ('market', '市场监督', 3, '2026-01-01T00:00:00+08:00'),
  ('investment', '投资信贷', 4, '2026-01-01T00:00:00+08:00'),
  ('tax', '减税降费', 5, '2026-01-01T00:00:00+08:00'),
  ('talent', '人才培养', 6, '2026-01-01T00:00:00+08:00'),
  ('trade', '外资外贸', 7, '2026-01-01T00:00:00+08:00'),
  ('industry', '产业发展', 8, '2026-01-01T00:00:00+08:00'),
  ('tech', '科技创新', 9, '2026-01-01T00:00:00+08:00');

CREATE TABLE policies (
  id {{pk}},
  root_id {{bigint}} REFERENCES policies (id),
  version INTEGER NOT NULL DEFAULT 1,
  source_key TEXT UNIQUE,
  title TEXT NOT NULL,
  doc_number TEXT NOT NULL DEFAULT '',
  level TEXT NOT NULL CHECK (level IN ('national', 'provincial', 'municipal', 'county')),
  region TEXT NOT NULL DEFAULT '',
  lead_department_id {{bigint}} NOT NULL REFERENCES departments (id),
  signed_on TEXT,
  upstream_released_on TEXT,
  valid_from TEXT,
  valid_to TEXT,
  full_text TEXT NOT NULL DEFAULT '',
  interpretation_text TEXT NOT NULL DEFAULT '',
  interpretation_department_id {{bigint}} REFERENCES departments (id),
  highlights TEXT NOT NULL DEFAULT '[]',
  attachments TEXT NOT NULL DEFAULT '[]',
  status TEXT NOT NULL CHECK (status IN ('draft', 'in_review', 'published', 'superseded', 'repealed')),
  submitted_at TEXT,
  reject_reason TEXT NOT NULL DEFAULT '',
  publish_basis_on TEXT,
  publish_deadline TEXT,
  published_on TEXT,
  published_late INTEGER NOT NULL DEFAULT 0,
  published_days_late INTEGER NOT NULL DEFAULT 0,
  approved_by {{bigint}} REFERENCES users (id),
  approved_at TEXT,
  repealed_on TEXT,
  repeal_reason TEXT NOT NULL DEFAULT '',
  superseded_by {{bigint}} REFERENCES policies (id),
  created_by {{bigint}} REFERENCES users (id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX policies_root ON policies (root_id, version);
CREATE INDEX policies_status ON policies (status, published_on);
CREATE INDEX policies_level ON policies (level);
CREATE INDEX policies_region ON policies (region);
CREATE INDEX policies_lead ON policies (lead_department_id, status);

-- 常州办法 第七条: joint issues (联合发文) are published by the lead department (position 0).
CREATE TABLE policy_departments (
  policy_id {{bigint}} NOT NULL REFERENCES policies (id),
  department_id {{bigint}} NOT NULL REFERENCES departments (id),
  position INTEGER NOT NULL,
  PRIMARY KEY (policy_id, department_id)
);
CREATE INDEX policy_departments_department ON policy_departments (department_id);

CREATE TABLE policy_type_links (
  policy_id {{bigint}} NOT NULL REFERENCES policies (id),
  type_code TEXT NOT NULL REFERENCES policy_types (code),
  PRIMARY KEY (policy_id, type_code)
);
CREATE INDEX policy_type_links_type ON policy_type_links (type_code);

CREATE TABLE policy_links (
  policy_id {{bigint}} NOT NULL REFERENCES policies (id),
  kind TEXT NOT NULL CHECK (kind IN ('supersedes', 'amends', 'repeals')),
  target_id {{bigint}} NOT NULL REFERENCES policies (id),
  PRIMARY KEY (policy_id, kind, target_id)
);
CREATE INDEX policy_links_target ON policy_links (target_id);

-- 常州办法 第十八条: the governed tag taxonomy.
CREATE TABLE tag_groups (
  code TEXT PRIMARY KEY,
  label TEXT NOT NULL UNIQUE,
  position INTEGER NOT NULL
);
INSERT INTO tag_groups (code, label, position) VALUES
  ('industry', '行业', 1),
  ('qualification', '企业资质', 2),
  ('honor', '荣誉', 3),
  ('scale', '规模', 4),
  ('policy_type', '政策类型', 5),
  ('support', '扶持方式', 6);

CREATE TABLE tags (
  id {{pk}},
  group_code TEXT NOT NULL REFERENCES tag_groups (code),
  name TEXT NOT NULL UNIQUE,
  created_by {{bigint}} REFERENCES users (id),
  created_at TEXT NOT NULL
);
CREATE INDEX tags_group ON tags (group_code);

CREATE TABLE policy_tags (
  policy_id {{bigint}} NOT NULL REFERENCES policies (id),
  tag_id {{bigint}} NOT NULL REFERENCES tags (id),
  PRIMARY KEY (policy_id, tag_id)
);
CREATE INDEX policy_tags_tag ON policy_tags (tag_id);

-- 常州办法 第十三条: one city-wide catalogue of item names.
CREATE TABLE item_catalogue (
  id {{pk}},
  name TEXT NOT NULL UNIQUE,
  normalized TEXT NOT NULL,
  department_id {{bigint}} NOT NULL REFERENCES departments (id),
  created_at TEXT NOT NULL
);
CREATE INDEX item_catalogue_department ON item_catalogue (department_id);

-- 常州办法 第十四条: the guide; 江阴办法 第十一条: period types.
CREATE TABLE items (
  id {{pk}},
  policy_root_id {{bigint}} NOT NULL REFERENCES policies (id),
  catalogue_id {{bigint}} NOT NULL REFERENCES item_catalogue (id),
  source_key TEXT UNIQUE,
  department_id {{bigint}} NOT NULL REFERENCES departments (id),
  service_mode TEXT NOT NULL CHECK (service_mode IN ('online', 'offline', 'online_offline')),
  region TEXT NOT NULL DEFAULT '',
  implementing_body TEXT NOT NULL DEFAULT '',
  scope TEXT NOT NULL DEFAULT '',
  target TEXT NOT NULL CHECK (target IN ('enterprise', 'individual', 'both')),
  period_type TEXT NOT NULL CHECK (period_type IN ('year_round', 'fixed', 'pending')),
  window_start TEXT,
  window_end TEXT,
  window_set_on TEXT,
  subsidy_standard TEXT NOT NULL DEFAULT '',
  conditions TEXT NOT NULL DEFAULT '[]',
  rule_text TEXT NOT NULL DEFAULT '',
  amount_json TEXT NOT NULL DEFAULT '',
  exclusive_group TEXT NOT NULL DEFAULT '',
  channels TEXT NOT NULL DEFAULT '',
  consult_phone TEXT NOT NULL DEFAULT '',
  supervise_phone TEXT NOT NULL DEFAULT '',
  no_application INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'withdrawn')),
  guide_deadline TEXT,
  guide_published_on TEXT,
  guide_late INTEGER NOT NULL DEFAULT 0,
  golive_deadline TEXT,
  golive_late INTEGER NOT NULL DEFAULT 0,
  created_by {{bigint}} REFERENCES users (id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX items_policy ON items (policy_root_id);
CREATE INDEX items_catalogue ON items (catalogue_id);
CREATE INDEX items_department ON items (department_id, status);
CREATE INDEX items_status_window ON items (status, window_start, window_end);
CREATE INDEX items_region ON items (region);

CREATE TABLE item_materials (
  id {{pk}},
  item_id {{bigint}} NOT NULL REFERENCES items (id),
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  form TEXT NOT NULL DEFAULT '',
  required INTEGER NOT NULL DEFAULT 1,
  type TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT '',
  exempt INTEGER NOT NULL DEFAULT 0,
  template TEXT NOT NULL DEFAULT '',
  sample TEXT NOT NULL DEFAULT ''
);
CREATE INDEX item_materials_item ON item_materials (item_id, position);

CREATE TABLE item_steps (
  id {{pk}},
  item_id {{bigint}} NOT NULL REFERENCES items (id),
  position INTEGER NOT NULL,
  stage TEXT NOT NULL,
  department TEXT NOT NULL DEFAULT '',
  days INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX item_steps_item ON item_steps (item_id, position);

CREATE TABLE item_tags (
  item_id {{bigint}} NOT NULL REFERENCES items (id),
  tag_id {{bigint}} NOT NULL REFERENCES tags (id),
  PRIMARY KEY (item_id, tag_id)
);
CREATE INDEX item_tags_tag ON item_tags (tag_id);
