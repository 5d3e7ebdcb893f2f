-- Issue 15 at scale: the two platform-wide reads a push job with many candidates makes, and
-- the audit row of one archive change (push.archive finds what was true before it).
-- Immediate pushes since Monday (the caps) and 不相关 feedback (the lower weight) were full scans
-- of pushes; both are now index ranges.
CREATE INDEX pushes_sent_day ON pushes (created_day, recipient) WHERE status = 'sent';
CREATE INDEX pushes_irrelevant ON pushes (recipient, item_id) WHERE feedback = 'irrelevant';
CREATE INDEX change_log_entity ON change_log (entity, entity_id, at);
