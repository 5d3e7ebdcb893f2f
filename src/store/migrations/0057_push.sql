-- Issue 15: subscriptions and pushes (docs/push.md). A recipient is an enterprise ('e:<id>', all
-- its accounts share its settings) or an individual ('u:<user id>').

-- The rate a recipient chose. NULL caps: the platform default ([push] daily_cap, weekly_cap).
CREATE TABLE push_prefs (
  recipient TEXT PRIMARY KEY,
  auto_push INTEGER NOT NULL DEFAULT 1,
  rhythm TEXT NOT NULL DEFAULT 'immediate' CHECK (rhythm IN ('immediate', 'daily', 'weekly')),
  daily_cap INTEGER,
  weekly_cap INTEGER,
  quiet_start TEXT NOT NULL DEFAULT '',
  quiet_end TEXT NOT NULL DEFAULT '',
  sms INTEGER NOT NULL DEFAULT 0,
  webhook_url TEXT NOT NULL DEFAULT '',  -- sealed
  updated_at TEXT NOT NULL
);

CREATE TABLE subscriptions (
  id {{pk}},
  recipient TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('tag', 'type', 'level', 'department', 'region', 'keyword', 'qualify')),
  value TEXT NOT NULL DEFAULT '',
  label TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1,
  created_by {{bigint}} REFERENCES users (id),
  created_at TEXT NOT NULL,
  UNIQUE (recipient, kind, value)
);
CREATE INDEX subscriptions_kind ON subscriptions (kind, value) ;

-- A push campaign: automatic (an item published, its window opened, an archive change) or a
-- department's batch. source_key makes an automatic one unique per change.
CREATE TABLE push_campaigns (
  id {{pk}},
  kind TEXT NOT NULL CHECK (kind IN ('auto', 'batch')),
  source_key TEXT UNIQUE,
  item_id {{bigint}} NOT NULL REFERENCES items (id),
  department_id {{bigint}} NOT NULL REFERENCES departments (id),
  target TEXT NOT NULL CHECK (target IN ('publish', 'window', 'archive', 'eligible', 'rule', 'list')),
  rule_text TEXT NOT NULL DEFAULT '',
  message TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('draft', 'pending_approval', 'sending', 'sent', 'rejected')),
  total INTEGER NOT NULL DEFAULT 0,
  sent INTEGER NOT NULL DEFAULT 0,
  deferred INTEGER NOT NULL DEFAULT 0,
  skipped INTEGER NOT NULL DEFAULT 0,
  breakdown TEXT NOT NULL DEFAULT '{}',
  created_by {{bigint}} REFERENCES users (id),
  approved_by {{bigint}} REFERENCES users (id),
  note TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  submitted_at TEXT,
  approved_at TEXT,
  finished_at TEXT
);
CREATE INDEX push_campaigns_department ON push_campaigns (department_id, id);

-- A batch campaign's recipients, fixed when it is drafted; done = pushed (or skipped) already.
CREATE TABLE push_targets (
  campaign_id {{bigint}} NOT NULL REFERENCES push_campaigns (id),
  recipient TEXT NOT NULL,
  reason TEXT NOT NULL,
  reason_text TEXT NOT NULL DEFAULT '',
  done INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (campaign_id, recipient)
);

-- One row per recipient × item × reason: the deduplication (and crash idempotency) key.
CREATE TABLE pushes (
  id {{pk}},
  campaign_id {{bigint}} REFERENCES push_campaigns (id),
  recipient TEXT NOT NULL,
  enterprise_id {{bigint}} REFERENCES enterprises (id),
  item_id {{bigint}} NOT NULL REFERENCES items (id),
  reason TEXT NOT NULL CHECK (reason IN ('eligible', 'near_miss', 'interest', 'list')),
  reason_text TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('sent', 'deferred', 'digested')),
  notice_id {{bigint}} REFERENCES notices (id),
  digest_notice_id {{bigint}} REFERENCES notices (id),
  created_day TEXT NOT NULL,
  created_at TEXT NOT NULL,
  delivered_at TEXT,
  clicked_at TEXT,
  feedback TEXT NOT NULL DEFAULT '',
  feedback_reason TEXT NOT NULL DEFAULT '',
  feedback_at TEXT,
  UNIQUE (recipient, item_id, reason)
);
CREATE INDEX pushes_item ON pushes (item_id);
CREATE INDEX pushes_recipient_day ON pushes (recipient, created_day);
CREATE INDEX pushes_campaign ON pushes (campaign_id);
CREATE INDEX pushes_deferred ON pushes (status, recipient);
