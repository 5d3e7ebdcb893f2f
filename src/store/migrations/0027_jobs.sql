-- Issue 13: due work as rows (stage deadlines, reminders, offer expiries), so a restart resumes
-- it and several server processes on one PostgreSQL run each job exactly once: a job is claimed
-- with FOR UPDATE SKIP LOCKED and a lease, and marked done in the transaction of its effects.
CREATE TABLE jobs (
  id {{pk}},
  kind TEXT NOT NULL,
  job_key TEXT NOT NULL UNIQUE,
  due_at {{bigint}} NOT NULL,
  payload TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
  attempts {{bigint}} NOT NULL DEFAULT 0,
  claim_token TEXT NOT NULL DEFAULT '',
  claimed_until {{bigint}} NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  done_at TEXT
);
CREATE INDEX jobs_due ON jobs (status, due_at);
