-- Issue 12 items 5 and 6. A correction keeps the unit the enterprise typed it in (万元 / 元 / 人 /
-- %), its old and new figure in that unit as the reviewer reads them, and whether the enterprise
-- confirmed a change of more than ten times. Guides' 空白模板 and 填写样例 are stored files
-- (files) served at the path the guide links to.
ALTER TABLE enterprise_corrections ADD COLUMN unit TEXT NOT NULL DEFAULT '';
ALTER TABLE enterprise_corrections ADD COLUMN current_in_unit TEXT;
ALTER TABLE enterprise_corrections ADD COLUMN proposed_in_unit TEXT NOT NULL DEFAULT '';
ALTER TABLE enterprise_corrections ADD COLUMN large_change_confirmed INTEGER NOT NULL DEFAULT 0;

CREATE TABLE guide_files (
  path TEXT PRIMARY KEY,
  file_id {{bigint}} NOT NULL REFERENCES files (id),
  title TEXT NOT NULL DEFAULT '',
  -- who published it: only that department (or the platform admin) may replace it
  department_id {{bigint}} REFERENCES departments (id),
  created_by {{bigint}} REFERENCES users (id),
  created_at TEXT NOT NULL
);
