#pragma once
// The push module's SQL. Not for other modules.

#include "store/database.h"

namespace huiqi::push::detail {

using store::Statement;

inline constexpr Statement kEnterpriseByUscc{"push.enterprise_by_uscc",
                                             "SELECT id, name FROM enterprises WHERE uscc = ?"};
// Every enterprise that can be told anything: its active accounts.
inline constexpr Statement kReachable{
    "push.reachable",
    "SELECT e.id AS enterprise_id, u.id AS user_id FROM users u JOIN enterprises e ON e.uscc = u.uscc "
    "WHERE u.kind = 'enterprise' AND u.active = 1 ORDER BY e.id, u.id"};
inline constexpr Statement kReachableOne{
    "push.reachable_one",
    "SELECT u.id AS user_id FROM users u JOIN enterprises e ON e.uscc = u.uscc "
    "WHERE e.id = ? AND u.kind = 'enterprise' AND u.active = 1 ORDER BY u.id"};
inline constexpr Statement kActiveUser{"push.active_user",
                                       "SELECT id FROM users WHERE id = ? AND active = 1"};

inline constexpr Statement kPrefsOf{"push.prefs_of", "SELECT * FROM push_prefs WHERE recipient = ?"};
inline constexpr Statement kAllPrefs{"push.all_prefs", "SELECT * FROM push_prefs"};
inline constexpr Statement kUpsertPrefs{
    "push.upsert_prefs",
    "INSERT INTO push_prefs (recipient, auto_push, rhythm, daily_cap, weekly_cap, quiet_start, quiet_end, "
    "sms, "
    "webhook_url, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (recipient) DO UPDATE SET "
    "auto_push = excluded.auto_push, rhythm = excluded.rhythm, daily_cap = excluded.daily_cap, "
    "weekly_cap = excluded.weekly_cap, quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end, "
    "sms = excluded.sms, webhook_url = excluded.webhook_url, updated_at = excluded.updated_at"};
inline constexpr Statement kOptOutAll{
    "push.opt_out_all",
    "INSERT INTO push_prefs (recipient, auto_push, updated_at) VALUES (?, 0, ?) ON CONFLICT (recipient) "
    "DO UPDATE SET auto_push = 0, updated_at = excluded.updated_at"};

inline constexpr Statement kSubscriptionsOf{
    "push.subscriptions_of",
    "SELECT id, kind, value, label, active, created_at FROM subscriptions WHERE recipient = ? AND active = 1 "
    "ORDER BY id"};
inline constexpr Statement kActiveSubscriptions{
    "push.active_subscriptions",
    "SELECT id, recipient, kind, value, label FROM subscriptions WHERE active = 1 ORDER BY id"};
inline constexpr Statement kInsertSubscription{
    "push.insert_subscription",
    "INSERT INTO subscriptions (recipient, kind, value, label, active, created_by, created_at) "
    "VALUES (?, ?, ?, ?, 1, ?, ?) ON CONFLICT (recipient, kind, value) DO UPDATE SET active = 1, "
    "label = excluded.label RETURNING id, kind, value, label, active, created_at"};
inline constexpr Statement kDeactivateSubscription{
    "push.deactivate_subscription",
    "UPDATE subscriptions SET active = 0 WHERE id = ? AND recipient = ? AND active = 1"};
inline constexpr Statement kDeactivateAll{"push.deactivate_all",
                                          "UPDATE subscriptions SET active = 0 WHERE recipient = ?"};
inline constexpr Statement kSubscriptionById{
    "push.subscription_by_id",
    "SELECT id, kind, value, label, active FROM subscriptions WHERE id = ? AND recipient = ?"};

inline constexpr Statement kTagByName{"push.tag_by_name", "SELECT name FROM tags WHERE name = ?"};
inline constexpr Statement kTypeByCode{"push.type_by_code",
                                       "SELECT code, label FROM policy_types WHERE code = ? OR label = ?"};
inline constexpr Statement kDepartmentByCode{
    "push.department_by_code", "SELECT id, code, name FROM departments WHERE code = ? OR name = ?"};

// What a recipient was told about an item already, and who acted on it.
inline constexpr Statement kToldAbout{"push.told_about",
                                      "SELECT recipient, reason, feedback FROM pushes WHERE item_id = ?"};
inline constexpr Statement kActedOn{"push.acted_on",
                                    "SELECT e.id AS enterprise_id FROM applications a JOIN enterprises e ON "
                                    "e.uscc = a.uscc WHERE a.item_id = ? "
                                    "UNION SELECT e.id AS enterprise_id FROM offers o JOIN enterprises e ON "
                                    "e.uscc = o.uscc WHERE o.item_id = ?"};
// 不相关 on other items of the same department or sharing a tag: a lower weight.
inline constexpr Statement kSimilarIrrelevant{
    "push.similar_irrelevant",
    "SELECT p.recipient, COUNT(*) AS n FROM pushes p JOIN items i ON i.id = p.item_id "
    "WHERE p.feedback = 'irrelevant' AND p.item_id <> ? AND (i.department_id = ? OR EXISTS (SELECT 1 FROM "
    "item_tags a JOIN item_tags b ON a.tag_id = b.tag_id WHERE a.item_id = p.item_id AND b.item_id = ?)) "
    "GROUP BY p.recipient"};
// Immediate pushes since the week began, and today.
inline constexpr Statement kSentCounts{
    "push.sent_counts",
    "SELECT recipient, SUM(CASE WHEN created_day = ? THEN 1 ELSE 0 END) AS today, COUNT(*) AS week "
    "FROM pushes WHERE status = 'sent' AND created_day >= ? GROUP BY recipient"};

// The same, for one recipient: a job with few candidates (an archive change, a sending step)
// reads only their rows instead of the platform's.
inline constexpr Statement kQualifyOf{
    "push.qualify_of",
    "SELECT 1 AS x FROM subscriptions WHERE recipient = ? AND kind = 'qualify' AND active = 1"};
inline constexpr Statement kToldAboutOne{
    "push.told_about_one", "SELECT reason, feedback FROM pushes WHERE recipient = ? AND item_id = ?"};
inline constexpr Statement kActedOnOne{
    "push.acted_on_one",
    "SELECT 1 AS x FROM enterprises e WHERE e.id = ? AND (EXISTS (SELECT 1 FROM applications a WHERE "
    "a.uscc = e.uscc AND a.item_id = ?) OR EXISTS (SELECT 1 FROM offers o WHERE o.uscc = e.uscc AND "
    "o.item_id = ?))"};
inline constexpr Statement kSimilarIrrelevantOne{
    "push.similar_irrelevant_one",
    "SELECT COUNT(*) AS n FROM pushes p JOIN items i ON i.id = p.item_id "
    "WHERE p.recipient = ? AND p.feedback = 'irrelevant' AND p.item_id <> ? AND (i.department_id = ? OR "
    "EXISTS (SELECT 1 FROM item_tags a JOIN item_tags b ON a.tag_id = b.tag_id WHERE a.item_id = p.item_id "
    "AND b.item_id = ?))"};
inline constexpr Statement kSentCountsOne{
    "push.sent_counts_one",
    "SELECT COALESCE(SUM(CASE WHEN created_day = ? THEN 1 ELSE 0 END), 0) AS today, COUNT(*) AS week "
    "FROM pushes WHERE recipient = ? AND status = 'sent' AND created_day >= ?"};

// The archive change a push.archive job is for. audit::Record writes the audit row and its
// change-log row together with the same time, one pair per call, so the change's rank among its
// entity's changes at that time is the audit row's rank among the entity's audit rows then
// (timestamps are to the second: two changes within one can share one).
inline constexpr Statement kChangeRank{
    "push.change_rank",
    "SELECT c.at, (SELECT COUNT(*) FROM change_log o WHERE o.entity = c.entity AND o.entity_id = "
    "c.entity_id AND o.at = c.at AND o.id < c.id) AS n FROM change_log c WHERE c.id = ? AND c.entity = "
    "'enterprise' AND c.entity_id = ?"};
inline constexpr Statement kArchiveAuditAt{
    "push.archive_audit_at",
    "SELECT action, before_json FROM audit_log WHERE entity = 'enterprise' AND entity_id = ? AND at = ? "
    "ORDER BY id LIMIT 1 OFFSET ?"};
// Items this recipient was told it qualifies for already (a near miss told before is not: that
// it now qualifies is news).
inline constexpr Statement kToldEligible{
    "push.told_eligible", "SELECT item_id FROM pushes WHERE recipient = ? AND reason = 'eligible'"};

inline constexpr Statement kInsertPush{
    "push.insert_push",
    "INSERT INTO pushes (campaign_id, recipient, enterprise_id, item_id, reason, reason_text, status, "
    "created_day, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (recipient, item_id, reason) DO NOTHING RETURNING id"};
inline constexpr Statement kPushDelivered{
    "push.push_delivered",
    "UPDATE pushes SET notice_id = ?, delivered_at = ? WHERE id = ? AND notice_id IS NULL"};
inline constexpr Statement kPushById{
    "push.push_by_id",
    "SELECT p.*, c.name AS item_name, d.name AS department, i.status AS item_status FROM pushes p "
    "JOIN items i ON i.id = p.item_id JOIN item_catalogue c ON c.id = i.catalogue_id "
    "JOIN departments d ON d.id = i.department_id WHERE p.id = ? AND p.recipient = ?"};
inline constexpr Statement kPushesOf{
    "push.pushes_of",
    "SELECT p.*, c.name AS item_name, d.name AS department, i.status AS item_status FROM pushes p "
    "JOIN items i ON i.id = p.item_id JOIN item_catalogue c ON c.id = i.catalogue_id "
    "JOIN departments d ON d.id = i.department_id WHERE p.recipient = ? ORDER BY p.id DESC LIMIT ? OFFSET ?"};
inline constexpr Statement kCountPushesOf{"push.count_pushes_of",
                                          "SELECT COUNT(*) AS n FROM pushes WHERE recipient = ?"};
inline constexpr Statement kMarkIrrelevant{
    "push.mark_irrelevant",
    "UPDATE pushes SET feedback = 'irrelevant', feedback_reason = ?, feedback_at = ? WHERE id = ? AND "
    "recipient = ? AND feedback = ''"};
inline constexpr Statement kMarkClicked{
    "push.mark_clicked",
    "UPDATE pushes SET clicked_at = ? WHERE id = ? AND recipient = ? AND clicked_at IS NULL"};

// Digests. Every deferred push, a recipient's together (the digest reads them in one pass).
inline constexpr Statement kAllDeferred{
    "push.all_deferred",
    "SELECT p.id, p.recipient, p.item_id, p.reason, p.reason_text, c.name AS item_name FROM pushes p JOIN "
    "items i ON i.id = p.item_id JOIN item_catalogue c ON c.id = i.catalogue_id WHERE p.status = "
    "'deferred' ORDER BY p.recipient, p.id"};
inline constexpr Statement kDigested{
    "push.digested",
    "UPDATE pushes SET status = 'digested', digest_notice_id = ?, delivered_at = ? WHERE id = ? AND status = "
    "'deferred'"};

// Campaigns.
inline constexpr Statement kInsertAutoCampaign{
    "push.insert_auto_campaign",
    "INSERT INTO push_campaigns (kind, source_key, item_id, department_id, target, status, created_at, "
    "submitted_at) VALUES ('auto', ?, ?, ?, ?, 'sending', ?, ?) ON CONFLICT (source_key) DO NOTHING "
    "RETURNING id"};
inline constexpr Statement kCampaignBySource{"push.campaign_by_source",
                                             "SELECT id FROM push_campaigns WHERE source_key = ?"};
inline constexpr Statement kInsertBatchCampaign{
    "push.insert_batch_campaign",
    "INSERT INTO push_campaigns (kind, item_id, department_id, target, rule_text, message, status, total, "
    "breakdown, created_by, created_at) VALUES ('batch', ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?) RETURNING id"};
inline constexpr Statement kInsertTarget{
    "push.insert_target",
    "INSERT INTO push_targets (campaign_id, recipient, reason, reason_text) VALUES (?, ?, ?, ?)"};
inline constexpr Statement kNextTargets{
    "push.next_targets",
    "SELECT recipient, reason, reason_text FROM push_targets WHERE campaign_id = ? AND done = 0 "
    "ORDER BY recipient LIMIT ?"};
inline constexpr Statement kTargetDone{
    "push.target_done",
    "UPDATE push_targets SET done = 1 WHERE campaign_id = ? AND recipient = ? AND done = 0"};
inline constexpr Statement kCampaignProgress{
    "push.campaign_progress",
    "UPDATE push_campaigns SET sent = sent + ?, deferred = deferred + ?, skipped = skipped + ? WHERE id = ?"};
inline constexpr Statement kCampaignTotals{
    "push.campaign_totals", "UPDATE push_campaigns SET total = total + ?, breakdown = ? WHERE id = ?"};
inline constexpr Statement kCampaignById{
    "push.campaign_by_id",
    "SELECT pc.*, c.name AS item_name FROM push_campaigns pc JOIN items i ON i.id = pc.item_id "
    "JOIN item_catalogue c ON c.id = i.catalogue_id WHERE pc.id = ?"};
inline constexpr Statement kCampaignStatus{"push.campaign_status",
                                           "SELECT status FROM push_campaigns WHERE id = ?"};
inline constexpr Statement kListCampaigns{
    "push.list_campaigns",
    "SELECT pc.*, c.name AS item_name FROM push_campaigns pc JOIN items i ON i.id = pc.item_id "
    "JOIN item_catalogue c ON c.id = i.catalogue_id WHERE (? = 0 OR pc.department_id = ?) "
    "ORDER BY pc.id DESC LIMIT ? OFFSET ?"};
inline constexpr Statement kCountCampaigns{
    "push.count_campaigns", "SELECT COUNT(*) AS n FROM push_campaigns WHERE (? = 0 OR department_id = ?)"};
// Transitions (state::Machine appends "id = ? AND status = ?").
inline constexpr Statement kSubmitCampaign{
    "push.submit_campaign",
    "UPDATE push_campaigns SET status = ?, submitted_at = ? WHERE id = ? AND status = ?"};
inline constexpr Statement kApproveCampaign{"push.approve_campaign",
                                            "UPDATE push_campaigns SET status = 'sending', approved_by = ?, "
                                            "approved_at = ? WHERE id = ? AND status = ?"};
inline constexpr Statement kRejectCampaign{"push.reject_campaign",
                                           "UPDATE push_campaigns SET status = 'rejected', approved_by = ?, "
                                           "note = ?, finished_at = ? WHERE id = ? AND "
                                           "status = ?"};
inline constexpr Statement kFinishCampaign{
    "push.finish_campaign",
    "UPDATE push_campaigns SET status = 'sent', finished_at = ? WHERE id = ? AND status = ?"};

// The audit row of an item's latest publication: one push job per publication.
inline constexpr Statement kLatestPublication{"push.latest_publication",
                                              "SELECT MAX(id) AS id FROM audit_log WHERE entity = 'item' AND "
                                              "entity_id = ? AND action = 'item.publish'"};

// The follower's position (a restart resumes where it left, so no publication goes unpushed).
inline constexpr Statement kPosition{"push.position",
                                     "SELECT value FROM app_settings WHERE key = 'push.follower_position'"};
inline constexpr Statement kSavePosition{
    "push.save_position",
    "INSERT INTO app_settings (key, value, updated_at) VALUES ('push.follower_position', ?, ?) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"};

// Measurement: delivered, opened (the notice read, or the link followed), clicked, applied (an application
// for the item exists).
#define HQ_PUSH_STATS_COLUMNS                                                                                \
  "COUNT(*) AS delivered, SUM(CASE WHEN n.read_at IS NOT NULL OR p.clicked_at IS NOT NULL THEN 1 ELSE 0 "    \
  "END) AS opened, SUM(CASE WHEN p.clicked_at IS NOT NULL THEN 1 ELSE 0 END) AS clicked, SUM(CASE WHEN "     \
  "EXISTS (SELECT 1 FROM applications a JOIN enterprises e ON e.uscc = a.uscc WHERE e.id = p.enterprise_id " \
  "AND a.item_id = p.item_id) THEN 1 ELSE 0 END) AS applied "
#define HQ_PUSH_STATS_FROM                                                                              \
  "FROM pushes p JOIN items i ON i.id = p.item_id LEFT JOIN notices n ON n.id = COALESCE(p.notice_id, " \
  "p.digest_notice_id) WHERE p.status IN ('sent', 'digested') AND (? = 0 OR i.department_id = ?) "
inline constexpr Statement kStatsByCampaign{
    "push.stats_by_campaign", "SELECT p.campaign_id AS k, " HQ_PUSH_STATS_COLUMNS HQ_PUSH_STATS_FROM
                              "GROUP BY p.campaign_id ORDER BY p.campaign_id DESC LIMIT 200"};
inline constexpr Statement kStatsByItem{"push.stats_by_item",
                                        "SELECT p.item_id AS k, " HQ_PUSH_STATS_COLUMNS HQ_PUSH_STATS_FROM
                                        "GROUP BY p.item_id ORDER BY p.item_id "
                                        "LIMIT 500"};
inline constexpr Statement kStatsByChannel{
    "push.stats_by_channel",
    "SELECT 'inbox' AS k, " HQ_PUSH_STATS_COLUMNS HQ_PUSH_STATS_FROM
    "UNION ALL SELECT 'sms' AS k, " HQ_PUSH_STATS_COLUMNS HQ_PUSH_STATS_FROM
    "AND EXISTS (SELECT 1 FROM outbox o WHERE o.notice_id = n.id AND o.channel = 'sms' AND o.status = "
    "'sent') "
    "UNION ALL SELECT 'webhook' AS k, " HQ_PUSH_STATS_COLUMNS HQ_PUSH_STATS_FROM
    "AND EXISTS (SELECT 1 FROM outbox o WHERE o.notice_id = n.id AND o.channel = 'webhook' AND o.status = "
    "'sent')"};
inline constexpr Statement kItemLabel{
    "push.item_label",
    "SELECT c.name FROM items i JOIN item_catalogue c ON c.id = i.catalogue_id WHERE i.id = ?"};

}  // namespace huiqi::push::detail
