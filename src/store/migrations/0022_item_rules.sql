-- Every version of an item's eligibility rule: the text as written, the AST as JSON
-- (rules/rule_json.h) and the period it was in force, so a verdict can be explained by the
-- rule that applied on its day. The current version has effective_to NULL.
CREATE TABLE item_rules (
  id {{pk}},
  item_id {{bigint}} NOT NULL REFERENCES items (id),
  version INTEGER NOT NULL,
  rule_text TEXT NOT NULL,
  ast_json TEXT NOT NULL,
  amount_json TEXT NOT NULL DEFAULT '',
  effective_from TEXT NOT NULL,
  effective_to TEXT,
  created_by {{bigint}} REFERENCES users (id),
  created_at TEXT NOT NULL,
  UNIQUE (item_id, version)
);
CREATE INDEX item_rules_item ON item_rules (item_id, version);
