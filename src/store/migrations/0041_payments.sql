-- Issue 14: 免申即享 offers, payments and subsidy records (江阴办法 第二十条(一)1; 常州办法 第二十五、
-- 二十七、三十、三十一条). docs/payments.md. Money is BIGINT fen; every status is CHECKed.

CREATE TABLE offer_lists (
  id {{pk}},
  item_id {{bigint}} NOT NULL REFERENCES items (id),
  department_id {{bigint}} NOT NULL REFERENCES departments (id),
  status TEXT NOT NULL CHECK (status IN ('draft', 'sent', 'discarded')),
  source TEXT NOT NULL CHECK (source IN ('rule', 'upload')),
  rule_text TEXT NOT NULL DEFAULT '',
  rule_version {{bigint}} NOT NULL DEFAULT 0,
  file_sha256 TEXT,
  entry_count {{bigint}} NOT NULL DEFAULT 0,
  total_fen {{bigint}} NOT NULL DEFAULT 0,
  without_amount {{bigint}} NOT NULL DEFAULT 0,
  confirm_days {{bigint}} NOT NULL,
  created_by {{bigint}} NOT NULL REFERENCES users (id),
  approved_by {{bigint}} REFERENCES users (id),
  created_at TEXT NOT NULL,
  approved_at TEXT,
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX offer_lists_item ON offer_lists (item_id, id);
CREATE UNIQUE INDEX offer_lists_upload ON offer_lists (item_id, file_sha256);

CREATE TABLE offer_list_entries (
  id {{pk}},
  list_id {{bigint}} NOT NULL REFERENCES offer_lists (id),
  enterprise_id {{bigint}} NOT NULL REFERENCES enterprises (id),
  uscc TEXT NOT NULL,
  name TEXT NOT NULL,
  amount_fen {{bigint}} CHECK (amount_fen IS NULL OR amount_fen >= 0),
  basis TEXT NOT NULL DEFAULT '',
  trace TEXT NOT NULL DEFAULT '[]',
  facts TEXT NOT NULL DEFAULT '{}',
  UNIQUE (list_id, uscc)
);

CREATE TABLE bank_accounts (
  id {{pk}},
  uscc TEXT NOT NULL,
  account_name TEXT NOT NULL,
  bank_name TEXT NOT NULL,
  number_sealed TEXT NOT NULL,
  number_lookup TEXT NOT NULL,
  masked TEXT NOT NULL,
  created_by {{bigint}} REFERENCES users (id),
  created_at TEXT NOT NULL,
  UNIQUE (uscc, number_lookup)
);

CREATE TABLE offers (
  id {{pk}},
  list_id {{bigint}} NOT NULL REFERENCES offer_lists (id),
  entry_id {{bigint}} NOT NULL REFERENCES offer_list_entries (id),
  item_id {{bigint}} NOT NULL REFERENCES items (id),
  department_id {{bigint}} NOT NULL REFERENCES departments (id),
  uscc TEXT NOT NULL,
  enterprise_name TEXT NOT NULL,
  amount_fen {{bigint}} CHECK (amount_fen IS NULL OR amount_fen >= 0),
  status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'declined', 'objected', 'expired')),
  due_on TEXT NOT NULL,
  bank_account_id {{bigint}} REFERENCES bank_accounts (id),
  decline_reason TEXT NOT NULL DEFAULT '',
  objection TEXT NOT NULL DEFAULT '',
  answer TEXT NOT NULL DEFAULT '',
  responded_by {{bigint}} REFERENCES users (id),
  responded_at TEXT,
  created_at TEXT NOT NULL,
  UNIQUE (list_id, uscc)
);
CREATE INDEX offers_uscc ON offers (uscc, id);
CREATE INDEX offers_list ON offers (list_id, status);

CREATE TABLE offer_claims (
  id {{pk}},
  item_id {{bigint}} NOT NULL REFERENCES items (id),
  department_id {{bigint}} NOT NULL REFERENCES departments (id),
  uscc TEXT NOT NULL,
  enterprise_name TEXT NOT NULL,
  text TEXT NOT NULL,
  verdict TEXT NOT NULL,
  trace TEXT NOT NULL DEFAULT '[]',
  status TEXT NOT NULL CHECK (status IN ('open', 'answered')),
  answer TEXT NOT NULL DEFAULT '',
  due_on TEXT NOT NULL,
  created_by {{bigint}} REFERENCES users (id),
  created_at TEXT NOT NULL,
  answered_at TEXT
);
CREATE INDEX offer_claims_uscc ON offer_claims (uscc, id);

CREATE TABLE budgets (
  id {{pk}},
  item_id {{bigint}} NOT NULL REFERENCES items (id),
  funding_source TEXT NOT NULL,
  total_fen {{bigint}} NOT NULL CHECK (total_fen >= 0),
  committed_fen {{bigint}} NOT NULL DEFAULT 0 CHECK (committed_fen >= 0),
  paid_fen {{bigint}} NOT NULL DEFAULT 0 CHECK (paid_fen >= 0),
  updated_at TEXT NOT NULL,
  UNIQUE (item_id, funding_source),
  CHECK (committed_fen + paid_fen <= total_fen)
);

CREATE TABLE payment_batches (
  id {{pk}},
  batch_no TEXT NOT NULL UNIQUE,
  item_id {{bigint}} NOT NULL REFERENCES items (id),
  budget_id {{bigint}} NOT NULL REFERENCES budgets (id),
  status TEXT NOT NULL CHECK (status IN ('open', 'exported', 'settled')),
  entry_count {{bigint}} NOT NULL,
  total_fen {{bigint}} NOT NULL,
  created_by {{bigint}} NOT NULL REFERENCES users (id),
  created_at TEXT NOT NULL,
  exported_at TEXT,
  settled_at TEXT
);

CREATE TABLE payment_entries (
  id {{pk}},
  item_id {{bigint}} NOT NULL REFERENCES items (id),
  department_id {{bigint}} NOT NULL REFERENCES departments (id),
  uscc TEXT NOT NULL,
  enterprise_name TEXT NOT NULL,
  amount_fen {{bigint}} NOT NULL CHECK (amount_fen > 0),
  source TEXT NOT NULL CHECK (source IN ('offer', 'application')),
  source_id {{bigint}} NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'in_batch', 'paid', 'failed', 'returned')),
  batch_id {{bigint}} REFERENCES payment_batches (id),
  bank_account_id {{bigint}} REFERENCES bank_accounts (id),
  approved_on TEXT NOT NULL,
  due_on TEXT,
  paid_on TEXT,
  bank_message TEXT NOT NULL DEFAULT '',
  bank_reference TEXT NOT NULL DEFAULT '',
  attempts {{bigint}} NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  UNIQUE (source, source_id)
);
CREATE INDEX payment_entries_uscc ON payment_entries (uscc, id);
CREATE INDEX payment_entries_item ON payment_entries (item_id, status);

-- One line per entry per batch it was in (an entry re-issued after a failure is in two batches);
-- the batch's total is the sum of its lines, forever.
CREATE TABLE batch_lines (
  batch_id {{bigint}} NOT NULL REFERENCES payment_batches (id),
  entry_id {{bigint}} NOT NULL REFERENCES payment_entries (id),
  amount_fen {{bigint}} NOT NULL,
  account_name TEXT NOT NULL,
  bank_name TEXT NOT NULL,
  result TEXT CHECK (result IS NULL OR result IN ('paid', 'failed', 'returned')),
  PRIMARY KEY (batch_id, entry_id)
);

-- Every change of a budget's committed or paid amount, with the batch and entry behind it.
CREATE TABLE budget_moves (
  id {{pk}},
  budget_id {{bigint}} NOT NULL REFERENCES budgets (id),
  kind TEXT NOT NULL CHECK (kind IN ('commit', 'release', 'pay')),
  amount_fen {{bigint}} NOT NULL CHECK (amount_fen > 0),
  batch_id {{bigint}} REFERENCES payment_batches (id),
  entry_id {{bigint}} REFERENCES payment_entries (id),
  created_at TEXT NOT NULL
);
CREATE INDEX budget_moves_budget ON budget_moves (budget_id);

CREATE TABLE bank_result_files (
  id {{pk}},
  batch_id {{bigint}} NOT NULL REFERENCES payment_batches (id),
  sha256 TEXT NOT NULL,
  lines {{bigint}} NOT NULL,
  imported_by {{bigint}} REFERENCES users (id),
  imported_at TEXT NOT NULL,
  UNIQUE (batch_id, sha256)
);

CREATE TABLE subsidy_records (
  id {{pk}},
  record_key TEXT NOT NULL UNIQUE,
  uscc TEXT NOT NULL,
  enterprise_name TEXT NOT NULL DEFAULT '',
  item_id {{bigint}} REFERENCES items (id),
  item_key TEXT NOT NULL DEFAULT '',
  exclusive_group TEXT NOT NULL DEFAULT '',
  department_id {{bigint}} NOT NULL REFERENCES departments (id),
  amount_fen {{bigint}} NOT NULL CHECK (amount_fen > 0),
  paid_on TEXT NOT NULL,
  funding_source TEXT NOT NULL DEFAULT '',
  basis_doc TEXT NOT NULL DEFAULT '',
  project TEXT NOT NULL DEFAULT '',
  period TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL CHECK (source IN ('platform', 'import', 'api')),
  payment_entry_id {{bigint}} UNIQUE REFERENCES payment_entries (id),
  arrived_at TEXT NOT NULL,
  working_days {{bigint}} NOT NULL,
  late INTEGER NOT NULL DEFAULT 0,
  created_by {{bigint}} REFERENCES users (id)
);
CREATE INDEX subsidy_records_uscc ON subsidy_records (uscc, item_id);
