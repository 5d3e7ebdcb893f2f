#pragma once
// The notify module's SQL and SMS templates. Not for other modules.

#include <string>
#include <string_view>

#include "store/database.h"

namespace huiqi::notify::detail {

using store::Statement;

inline constexpr Statement kInsertNotice{
    "notify.insert_notice",
    "INSERT INTO notices (user_id, department_id, kind, title, body, link, entity, entity_id, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"};
inline constexpr Statement kInsertOutbox{"notify.insert_outbox",
                                         "INSERT INTO outbox (notice_id, channel, address, template, params, "
                                         "idempotency_key, status, next_attempt_at, "
                                         "created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)"};
// A user's notices, and their department's (department 0 = none); `only unread` as 0/1.
inline constexpr Statement kCountNotices{"notify.count_notices",
                                         "SELECT COUNT(*) AS n FROM notices WHERE (user_id = ? OR "
                                         "(department_id IS NOT NULL AND department_id = ?)) "
                                         "AND (? = 0 OR read_at IS NULL)"};
inline constexpr Statement kPageNotices{
    "notify.page_notices",
    "SELECT id, kind, title, body, link, entity, entity_id, created_at, read_at FROM notices "
    "WHERE (user_id = ? OR (department_id IS NOT NULL AND department_id = ?)) AND (? = 0 OR read_at IS NULL) "
    "ORDER BY id DESC LIMIT ? OFFSET ?"};
inline constexpr Statement kNoticeOf{"notify.notice_of",
                                     "SELECT id FROM notices WHERE id = ? AND (user_id = ? OR (department_id "
                                     "IS NOT NULL AND department_id = ?))"};
inline constexpr Statement kMarkRead{"notify.mark_read",
                                     "UPDATE notices SET read_at = ? WHERE id = ? AND read_at IS NULL"};
inline constexpr Statement kMarkAllRead{
    "notify.mark_all_read",
    "UPDATE notices SET read_at = ? WHERE (user_id = ? OR (department_id IS NOT NULL AND department_id = ?)) "
    "AND read_at IS NULL"};
inline constexpr Statement kUserPhone{"notify.user_phone",
                                      "SELECT phone FROM users WHERE id = ? AND active = 1"};
inline constexpr Statement kDeliveriesOf{
    "notify.deliveries_of", "SELECT channel, status, attempts FROM outbox WHERE notice_id = ? ORDER BY id"};

// Claiming due rows: pending ones whose time has come, and sending ones whose lease ended (a
// worker crashed mid-send). PostgreSQL skips rows another worker holds.
inline constexpr Statement kClaimPg{
    "notify.claim_pg",
    "UPDATE outbox SET status = 'sending', claim_token = ?, claimed_until = ?, attempts = attempts + 1 "
    "WHERE id IN (SELECT id FROM outbox WHERE (status = 'pending' AND next_attempt_at <= ?) "
    "OR (status = 'sending' AND claimed_until < ?) ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP "
    "LOCKED) "
    "RETURNING id"};
inline constexpr Statement kClaimSqlite{
    "notify.claim_sqlite",
    "UPDATE outbox SET status = 'sending', claim_token = ?, claimed_until = ?, attempts = attempts + 1 "
    "WHERE id IN (SELECT id FROM outbox WHERE (status = 'pending' AND next_attempt_at <= ?) "
    "OR (status = 'sending' AND claimed_until < ?) ORDER BY next_attempt_at, id LIMIT ?) RETURNING id"};
inline constexpr Statement kClaimedRows{
    "notify.claimed_rows",
    "SELECT o.id, o.notice_id, o.channel, o.address, o.template, o.params, o.idempotency_key, o.attempts, "
    "n.title, n.body, n.link FROM outbox o JOIN notices n ON n.id = o.notice_id WHERE o.claim_token = ? "
    "AND o.status = 'sending' ORDER BY o.id"};
// Settling a claim: only the worker holding the claim may (token in the WHERE).
inline constexpr Statement kSettleSent{
    "notify.settle_sent",
    "UPDATE outbox SET status = 'sent', sent_at = ?, last_error = '' WHERE id = ? AND status = 'sending' "
    "AND claim_token = ?"};
inline constexpr Statement kSettleRetry{"notify.settle_retry",
                                        "UPDATE outbox SET status = 'pending', next_attempt_at = ?, "
                                        "last_error = ? WHERE id = ? AND status = 'sending' "
                                        "AND claim_token = ?"};
inline constexpr Statement kSettleDead{"notify.settle_dead",
                                       "UPDATE outbox SET status = 'dead', last_error = ? WHERE id = ? AND "
                                       "status = 'sending' AND claim_token = ?"};
inline constexpr Statement kInsertAttempt{
    "notify.insert_attempt", "INSERT INTO outbox_attempts (outbox_id, at, ok, detail) VALUES (?, ?, ?, ?)"};
inline constexpr Statement kDeadLetters{
    "notify.dead_letters",
    "SELECT o.id, o.notice_id, o.channel, o.address, o.attempts, o.last_error, o.created_at, n.title "
    "FROM outbox o JOIN notices n ON n.id = o.notice_id WHERE o.status = 'dead' ORDER BY o.id DESC LIMIT ?"};
inline constexpr Statement kRetryDead{
    "notify.retry_dead",
    "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, last_error = '' "
    "WHERE id = ? AND status = 'dead'"};

//! The text of an SMS template ("" for an unknown one: the gateway renders its own copy).
std::string SmsTemplateText(std::string_view id);

}  // namespace huiqi::notify::detail
