-- Foundation: settings and the administrators' additions to the working-day calendar.
-- (schema_migrations itself is created by the migrator.)

CREATE TABLE app_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- Special days entered by an admin (a new year's announcement, a correction); merged over
-- data/holidays/*.tsv when the server starts. working = 1 for 调休 working days.
CREATE TABLE calendar_days (
  day TEXT PRIMARY KEY,
  working INTEGER NOT NULL CHECK (working IN (0, 1)),
  name TEXT NOT NULL,
  source TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by {{bigint}}
);

-- Years whose announcement an admin has declared complete through the API.
CREATE TABLE calendar_years (
  year INTEGER PRIMARY KEY,
  updated_at TEXT NOT NULL
);
