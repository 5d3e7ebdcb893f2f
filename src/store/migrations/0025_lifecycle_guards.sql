-- Issue 11: a lineage has at most one open version (draft or in review). Two officers revising
-- the same published policy at once both passed the "no open version" check; the second insert
-- now fails here and is answered 409 revision_open.
CREATE UNIQUE INDEX policies_one_open_version ON policies (root_id) WHERE status IN ('draft', 'in_review');
