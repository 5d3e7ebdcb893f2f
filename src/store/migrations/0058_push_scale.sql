-- Issue 15 at scale: the two platform-wide reads a push job with many candidates makes.
-- Immediate pushes since Monday (the caps) and 不相关 feedback (the lower weight) were full scans
-- of pushes; both are now index ranges.
CREATE INDEX pushes_sent_day ON pushes (created_day, recipient) WHERE status = 'sent';
CREATE INDEX pushes_irrelevant ON pushes (recipient, item_id) WHERE feedback = 'irrelevant';
