#pragma once
// Subscriptions and pushes (issue 15, docs/push.md; 常州办法 第十七条: the enterprise subscribes, a
// department pushes in batch, the system pushes by itself). Every push names why this recipient
// (the conditions met, or the one missing), is keyed by recipient × item × reason so nobody is told
// the same thing twice (a crashed batch resumes without a second copy), respects the recipient's
// caps and rhythm (the overflow goes into the next digest, never dropped) and 不相关 feedback.
//
// Automatic pushes run from the change log: OnChanges (a change-log follower subscriber) schedules
// one job per change with a key naming it, so across any number of server processes each change
// is pushed once (schedule/scheduler.h); the jobs call OnItemJob / OnArchiveJob.
//
// Thread-safe: state is in the database; the compiled catalogue cache has its own lock.

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "auth/principal.h"
#include "core/date.h"
#include "core/error.h"
#include "core/reference_data.h"
#include "enterprise/profile.h"
#include "match/match_service.h"
#include "notify/notify.h"
#include "policy/policy_service.h"
#include "rules/schema.h"
#include "secrets/keys.h"
#include "store/database.h"

namespace huiqi::push {

struct PushOptions {
  int daily_cap = 3;              // immediate pushes per recipient per Shanghai day
  int weekly_cap = 10;            // … per ISO week
  int approval_threshold = 1000;  // batch campaigns above this many recipients need a reviewer
  int step = 500;                 // recipients per sending step (one transaction)
  //! Above this many candidates a job reads accounts, settings and push history platform-wide,
  //! one pass per table; at or below it, each candidate's rows by index.
  size_t bulk_context_from = 1000;
  int digest_hour = 8, digest_minute = 30;  // Asia/Shanghai
  std::string base_url;                     // prefix of links in SMS and webhooks ("" → site-relative)
};

struct PushDeps {
  store::Database& db;
  const core::Clock& clock;
  policy::PolicyService& policies;
  enterprise::ProfileService& profiles;
  const rules::Schema& schema;
  const notify::Notifier& notifier;
  const secrets::KeyRing& keys;
  //! The bitmap engine over every enterprise (ids are enterprise row ids).
  const match::MatchService& matches;
  const core::ReferenceData* reference = nullptr;
  //! The search analyser (keyword subscriptions): text → normalised text, and → its words.
  //! Unset: lower-case ASCII and split on spaces.
  std::function<std::string(std::string_view)> normalize;
  std::function<std::vector<std::string>(std::string_view)> words;
};

struct Subscription {
  int64_t id = 0;
  std::string kind, value, label, created_at;
  bool active = true;
};

struct Settings {
  bool auto_push = true;
  std::string rhythm = "immediate";  // immediate | daily | weekly
  std::optional<int> daily_cap, weekly_cap;
  std::string quiet_start, quiet_end;  // "HH:MM" or both ""
  bool sms = false;
  std::string webhook_url;  // opened
  std::vector<Subscription> subscriptions;
};

struct Push {
  int64_t id = 0, item_id = 0;
  std::optional<int64_t> campaign_id, notice_id;
  std::string recipient, item_name, department, reason, reason_text, status, feedback, feedback_reason,
      created_at;
  std::optional<std::string> clicked_at;
  bool item_open = false;  // the item's window is open: the notice links to apply
};

struct Campaign {
  int64_t id = 0, item_id = 0, department_id = 0;
  std::string kind, item_name, target, rule_text, message, status, note, created_at;
  int64_t total = 0, sent = 0, deferred = 0, skipped = 0;
  nlohmann::json breakdown = nlohmann::json::object();
  std::string preview_title, preview_body;
  bool needs_approval = false;
  std::optional<int64_t> created_by, approved_by;
  std::optional<std::string> submitted_at, approved_at, finished_at;
};

struct NewCampaign {
  int64_t item_id = 0;
  std::string target;  // eligible | rule | list
  std::string rule_text;
  std::vector<std::string> usccs;
  std::string message;
};

struct StatRow {
  std::string key, label;
  int64_t delivered = 0, opened = 0, clicked = 0, applied = 0;
};

std::string_view ReasonLabel(std::string_view reason);  // 符合条件 | 差一项 | 订阅匹配 | 部门推送
std::string_view CampaignStatusLabel(std::string_view status);
std::string_view SubscriptionKindLabel(std::string_view kind);

class PushService {
 public:
  PushService(PushDeps deps, PushOptions options = {});
  ~PushService();
  const PushOptions& options() const;

  // ---- the recipient's own settings ----
  core::Result<Settings> GetSettings(const auth::Principal& me);
  core::Result<Settings> SaveSettings(const auth::Principal& me, const Settings& s);
  core::Result<Subscription> Subscribe(const auth::Principal& me, const std::string& kind,
                                       const std::string& value);
  core::Status Unsubscribe(const auth::Principal& me, int64_t subscription_id);
  core::Result<std::vector<Push>> MyPushes(const auth::Principal& me, int page, int page_size,
                                           int64_t* total);
  //! 不相关: stored with its reason; the item is not pushed to this recipient again.
  core::Result<Push> MarkIrrelevant(const auth::Principal& me, int64_t push_id, const std::string& reason);
  core::Status MarkClicked(const auth::Principal& me, int64_t push_id);
  //! The signed one-click link's token for `recipient` and scope ("all" or a subscription id).
  std::string UnsubscribeToken(const std::string& recipient, const std::string& scope) const;
  //! Without a login: the label of what was unsubscribed. kInvalidArgument "token" when forged.
  core::Result<std::string> UnsubscribeByToken(const std::string& token);

  // ---- department batch pushes ----
  core::Result<Campaign> Draft(const auth::Principal& officer, const NewCampaign& c);
  core::Result<Campaign> Submit(const auth::Principal& officer, int64_t id);
  core::Result<Campaign> Approve(const auth::Principal& reviewer, int64_t id);
  core::Result<Campaign> Reject(const auth::Principal& reviewer, int64_t id, const std::string& reason);
  core::Result<Campaign> Get(const auth::Principal& viewer, int64_t id);
  core::Result<std::vector<Campaign>> List(const auth::Principal& viewer, int page, int page_size,
                                           int64_t* total);
  //! by: campaign | item | channel; department staff see their department's, the admin all.
  core::Result<std::vector<StatRow>> Stats(const auth::Principal& viewer, const std::string& by);

  // ---- background work (scheduler jobs and the change-log follower) ----
  //! A change-log subscriber: item publications and archive changes become jobs (idempotent).
  core::Status OnChanges(const std::vector<audit::Change>& changes);
  //! Job "push.item": an item published, or its window opened (`window`).
  core::Status OnItemJob(store::Session& tx, int64_t item_id, bool window, const std::string& source_key);
  //! Job "push.archive": one enterprise's archive changed (change-log row `change_id`); pushes
  //! the items it qualifies for now and did not before that change (its audit row holds the
  //! archive before), and was not told of. Without the change (0, or gone), every item it
  //! qualifies for and was not told of.
  core::Status OnArchiveJob(store::Session& tx, int64_t enterprise_id, const std::string& source_key,
                            int64_t change_id = 0);
  //! Job "push.campaign": the next step of a sending campaign; true when more steps remain.
  core::Result<bool> OnCampaignJob(store::Session& tx, int64_t campaign_id);
  //! Job "push.digest": the digests due now; returns the next run (unix seconds).
  core::Result<int64_t> OnDigestJob(store::Session& tx);
  //! Where this node's change-log subscriber starts: the position the pushers stored (so a change
  //! committed while no server ran is pushed after the restart), else the newest change.
  core::Result<int64_t> FollowFrom();
  //! Schedules the recurring digest job once (idempotent), for `huiqi serve` at start.
  core::Status ScheduleDigest();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace huiqi::push
