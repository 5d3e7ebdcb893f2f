#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "audit/change_follower.h"
#include "core/uscc.h"
#include "enterprise/archive.h"
#include "enterprise/profile.h"
#include "match/compiled_catalogue.h"
#include "policy/match_catalogue.h"
#include "push/detail/statements.h"
#include "push/push.h"
#include "rules/advice.h"
#include "rules/rule.h"
#include "schedule/scheduler.h"
#include "state/machine.h"

namespace huiqi::push {

using core::Result;
using core::Status;
using nlohmann::json;
using store::Session;
namespace d = detail;

std::string_view ReasonLabel(std::string_view reason) {
  if (reason == "eligible") return "符合条件";
  if (reason == "near_miss") return "差一项";
  if (reason == "interest") return "订阅匹配";
  if (reason == "list") return "部门推送";
  return "推送";
}

std::string_view CampaignStatusLabel(std::string_view s) {
  if (s == "draft") return "草稿";
  if (s == "pending_approval") return "待审批";
  if (s == "sending") return "发送中";
  if (s == "sent") return "已发送";
  if (s == "rejected") return "已驳回";
  return "未知";
}

std::string_view SubscriptionKindLabel(std::string_view k) {
  if (k == "tag") return "标签";
  if (k == "type") return "政策类型";
  if (k == "level") return "政策层级";
  if (k == "department") return "发文部门";
  if (k == "region") return "适用地区";
  if (k == "keyword") return "关键词";
  if (k == "qualify") return "我符合条件的全部事项";
  return "订阅";
}

namespace {

audit::Actor ActorOf(const auth::Principal& p) {
  return {p.user_id > 0 ? std::optional<int64_t>(p.user_id) : std::nullopt,
          p.login.empty() ? "system" : p.login};
}
const audit::Actor kSystem{std::nullopt, "system"};

const state::Machine& CampaignMachine() {
  static const state::Machine m("push_campaign", "推送批次",
                                {{"draft", "草稿"},
                                 {"pending_approval", "待审批"},
                                 {"sending", "发送中"},
                                 {"sent", "已发送"},
                                 {"rejected", "已驳回"}},
                                {{"submit", "提交发送", {"draft"}, "sending"},
                                 {"submit_for_approval", "提交审批", {"draft"}, "pending_approval"},
                                 {"approve", "批准", {"pending_approval"}, "sending"},
                                 {"reject", "驳回", {"pending_approval"}, "rejected"},
                                 {"finish", "发送完成", {"sending"}, "sent"}},
                                d::kCampaignStatus);
  return m;
}

bool ValidClock(const std::string& t) {
  if (t.size() != 5 || t[2] != ':') return false;
  if (!isdigit(t[0]) || !isdigit(t[1]) || !isdigit(t[3]) || !isdigit(t[4])) return false;
  int h = (t[0] - '0') * 10 + (t[1] - '0'), m = (t[3] - '0') * 10 + (t[4] - '0');
  return h < 24 && m < 60;
}
int Minutes(const std::string& t) {
  return ((t[0] - '0') * 10 + (t[1] - '0')) * 60 + (t[3] - '0') * 10 + (t[4] - '0');
}

//! https anywhere, or http to this machine only (a system beside the server).
bool WebhookAllowed(const std::string& url) {
  if (url.rfind("https://", 0) == 0) return url.size() > 8;
  for (const char* p : {"http://127.0.0.1", "http://localhost", "http://[::1]"}) {
    std::string prefix = p;
    if (url.rfind(prefix, 0) == 0 &&
        (url.size() == prefix.size() || url[prefix.size()] == ':' || url[prefix.size()] == '/')) {
      return true;
    }
  }
  return false;
}

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

struct Prefs {
  bool auto_push = true;
  std::string rhythm = "immediate";
  std::optional<int> daily_cap, weekly_cap;
  std::string quiet_start, quiet_end;
  bool sms = false;
  std::string webhook_url;  // sealed
};

Prefs PrefsFrom(const store::Row& r) {
  Prefs p;
  p.auto_push = r.Bool("auto_push");
  p.rhythm = r.Text("rhythm");
  if (auto v = r.OptInt("daily_cap")) p.daily_cap = static_cast<int>(*v);
  if (auto v = r.OptInt("weekly_cap")) p.weekly_cap = static_cast<int>(*v);
  p.quiet_start = r.Text("quiet_start");
  p.quiet_end = r.Text("quiet_end");
  p.sms = r.Bool("sms");
  p.webhook_url = r.Text("webhook_url");
  return p;
}

json PrefsJson(const Prefs& p) {
  return {{"auto_push", p.auto_push},
          {"rhythm", p.rhythm},
          {"daily_cap", p.daily_cap ? json(*p.daily_cap) : json()},
          {"weekly_cap", p.weekly_cap ? json(*p.weekly_cap) : json()},
          {"quiet_start", p.quiet_start},
          {"quiet_end", p.quiet_end},
          {"sms", p.sms},
          {"webhook", !p.webhook_url.empty()}};
}

double MillisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

//! One enterprise (or person) to tell about one item, and why.
struct Candidate {
  std::string recipient;
  std::optional<int64_t> enterprise_id;
  std::string reason;
  const std::string* text = nullptr;
  std::optional<int64_t> subscription_id;  // an interest push: the subscription that matched
};

//! What a run did with its candidates (the campaign's breakdown).
struct Tally {
  int64_t eligible = 0, near_miss = 0, interest = 0, list = 0;
  int64_t already_told = 0, opted_out = 0, suppressed = 0, unreachable = 0;
  int64_t sent = 0, deferred = 0;
  int64_t skipped() const { return already_told + opted_out + suppressed + unreachable; }
  Tally& operator+=(const Tally& o) {
    eligible += o.eligible, near_miss += o.near_miss, interest += o.interest, list += o.list;
    already_told += o.already_told, opted_out += o.opted_out, suppressed += o.suppressed;
    unreachable += o.unreachable, sent += o.sent, deferred += o.deferred;
    return *this;
  }
  json ToJson() const {
    return {{"eligible", eligible},
            {"near_miss", near_miss},
            {"interest", interest},
            {"list", list},
            {"already_told", already_told},
            {"opted_out", opted_out},
            {"suppressed", suppressed},
            {"unreachable", unreachable},
            {"sent", sent},
            {"deferred", deferred}};
  }
};

//! The item as a push describes it.
struct ItemCtx {
  policy::Item item;
  policy::Policy policy;
  std::set<std::string> tags;
  std::string text;  // normalised name, policy title, standard, tags: keyword subscriptions
  bool open = false;
  std::string window;  // "申报时间：…" or "常年申报"
};

}  // namespace

struct PushService::Impl {
  PushDeps d;
  PushOptions o;
  std::mutex mu;  // the compiled catalogue
  std::atomic<bool> stale{true};
  core::Date day;
  std::shared_ptr<policy::MatchCatalogue> catalogue;
  std::shared_ptr<match::CompiledCatalogue> compiled;

  Impl(PushDeps deps, PushOptions options) : d(std::move(deps)), o(std::move(options)) {}

  std::string Now() const { return core::FormatTimestamp(d.clock.Now()); }
  core::Date Today() const { return core::ShanghaiDate(d.clock.Now()); }
  std::string Normalize(std::string_view s) const {
    if (d.normalize) return d.normalize(s);
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  }
  std::vector<std::string> Words(std::string_view s) const {
    if (d.words) return d.words(s);
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
      if (c == ' ') {
        if (!cur.empty()) out.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
  }
  rules::CodeNamer Namer() const {
    return d.reference ? rules::ReferenceNamer(*d.reference) : rules::CodeNamer{};
  }

  //! "e:<enterprise id>" for an enterprise's account, "u:<id>" for an individual.
  Result<std::string> RecipientOf(const auth::Principal& me) {
    if (me.Is(auth::UserKind::kIndividual)) return "u:" + std::to_string(me.user_id);
    if (!me.Is(auth::UserKind::kEnterprise) || !me.uscc) {
      return core::MakeError(core::ErrorKind::kPermissionDenied, "not_recipient",
                             "仅企业和个人用户可订阅推送",
                             "only enterprise and individual accounts subscribe");
    }
    HQ_ASSIGN_OR_RETURN(auto row, d.db.ReadValue<std::optional<store::Row>>([&](Session& s) {
      return s.QueryOptional(d::kEnterpriseByUscc, {*me.uscc});
    }));
    if (!row) return core::NotFound("企业档案", "enterprise");
    return "e:" + std::to_string(row->Int("id"));
  }

  Result<Prefs> LoadPrefs(Session& s, const std::string& recipient) {
    HQ_ASSIGN_OR_RETURN(auto row, s.QueryOptional(d::kPrefsOf, {recipient}));
    return row ? PrefsFrom(*row) : Prefs{};
  }

  Result<ItemCtx> LoadItem(int64_t item_id) {
    ItemCtx c;
    HQ_ASSIGN_OR_RETURN(c.item, d.policies.GetItem(nullptr, item_id));
    HQ_ASSIGN_OR_RETURN(c.policy, d.policies.GetPolicy(nullptr, c.item.policy_id));
    for (const auto& t : c.item.tags) c.tags.insert(t);
    for (const auto& t : c.policy.tags) c.tags.insert(t);
    std::string text = c.item.name + " " + c.policy.title + " " + c.item.subsidy_standard;
    for (const auto& t : c.tags) text += " " + t;
    c.text = Normalize(text);
    core::Date today = Today();
    if (c.item.period_type == policy::PeriodType::kYearRound) {
      c.open = true;
      c.window = "常年申报";
    } else if (c.item.window_start && c.item.window_end) {
      c.open = *c.item.window_start <= today && today <= *c.item.window_end;
      c.window = "申报时间：" + c.item.window_start->ToString() + " 至 " + c.item.window_end->ToString();
    } else {
      c.window = "申报时间待定";
    }
    return c;
  }

  bool SubscriptionMatches(const store::Row& sub, const ItemCtx& c) const {
    std::string kind = sub.Text("kind"), value = sub.Text("value");
    if (kind == "tag") return c.tags.count(value) > 0;
    if (kind == "type") {
      return std::any_of(c.policy.types.begin(), c.policy.types.end(),
                         [&](const policy::CodeLabel& t) { return t.code == value; });
    }
    if (kind == "level") return policy::LevelCode(c.policy.level) == value;
    if (kind == "department") {
      if (c.item.department.code == value) return true;
      return std::any_of(c.policy.departments.begin(), c.policy.departments.end(),
                         [&](const policy::DepartmentRef& r) { return r.code == value; });
    }
    if (kind == "region") {
      const std::string& r = c.item.region.empty() ? c.policy.region : c.item.region;
      // An item for the whole city (or province) concerns every district below it too.
      return r.empty() || r.rfind(value, 0) == 0 || value.rfind(r, 0) == 0;
    }
    if (kind == "keyword") {
      std::vector<std::string> words = Words(value);
      return !words.empty() && std::all_of(words.begin(), words.end(), [&](const std::string& w) {
        return c.text.find(w) != std::string::npos;
      });
    }
    return false;
  }

  //! The link to the one-click unsubscribe page.
  std::string UnsubscribeLink(const std::string& recipient, const std::string& scope) const {
    return o.base_url + "/unsubscribe?token=" + Token(recipient, scope);
  }
  std::string Token(const std::string& recipient, const std::string& scope) const {
    return recipient + "~" + scope + "~" + d.keys.Mac(recipient + "~" + scope, "push-unsubscribe");
  }

  std::string NoticeBody(const ItemCtx& c, const std::string& reason_text, int64_t push_id,
                         const std::string& unsubscribe, const std::string& message) const {
    std::string body = "推荐理由：" + reason_text + "\n\n" + c.item.department.name + "“" + c.item.name +
                       "”（" + c.policy.title + "）。" + c.window + "。";
    if (!c.item.subsidy_standard.empty()) body += "\n支持标准：" + c.item.subsidy_standard;
    if (!message.empty()) body += "\n部门留言：" + message;
    body += "\n查看办事指南" + std::string(c.open && !c.item.no_application ? "并在线申报" : "") + "：" +
            o.base_url + "/items/" + std::to_string(c.item.id) + "?push=" + std::to_string(push_id);
    body += "\n不想再收到此类推送？一键退订：" + unsubscribe;
    return body;
  }

  //! The end of the recipient's quiet hours after now (unix seconds), or 0 when not in them.
  int64_t QuietUntil(const Prefs& p) const {
    if (p.quiet_start.empty() || p.quiet_end.empty()) return 0;
    auto now = d.clock.Now();
    core::Date today = core::ShanghaiDate(now);
    int64_t midnight = core::UnixSeconds(core::ShanghaiMidnight(today));
    int minute = static_cast<int>((core::UnixSeconds(now) - midnight) / 60);
    int start = Minutes(p.quiet_start), end = Minutes(p.quiet_end);
    bool quiet = start <= end ? (minute >= start && minute < end) : (minute >= start || minute < end);
    if (!quiet) return 0;
    int64_t until = midnight + int64_t{end} * 60;
    if (until <= core::UnixSeconds(now)) until += 24 * 3600;
    return until;
  }

  // ---- the one place pushes are written ----

  struct Context {
    std::unordered_map<int64_t, std::vector<int64_t>> users;  // enterprise id → active accounts
    std::unordered_map<std::string, Prefs> prefs;
    std::unordered_set<std::string> qualify;  // recipients with a "qualify" subscription
    std::unordered_map<std::string, std::vector<std::string>> told;  // recipient → reasons told
    std::unordered_set<std::string> irrelevant;                      // recipients who said 不相关
    std::unordered_set<int64_t> acted;                 // enterprises that applied / were offered
    std::unordered_map<std::string, int64_t> similar;  // 不相关 on similar items
    std::unordered_map<std::string, std::pair<int64_t, int64_t>> counts;  // today, this week
  };

  //! The archive an audit row's before_json describes (ProfileAuditJson: canonical text per
  //! attribute, tags as text), or nullopt when a value no longer parses.
  std::optional<rules::Facts> FactsFromAudit(const std::string& text) const {
    json j = json::parse(text, nullptr, false);
    if (!j.is_object() || !j.contains("facts") || !j["facts"].is_object()) return std::nullopt;
    rules::Facts f;
    for (const auto& [key, value] : j["facts"].items()) {
      if (value.is_null()) continue;
      if (key == "tags") {
        if (!value.is_string() || !enterprise::SetTags(f, value.get<std::string>(), key).ok())
          return std::nullopt;
        continue;
      }
      const rules::AttributeDef* a = d.schema.Find(key);
      if (a == nullptr || a->derived) continue;
      if (!enterprise::SetFact(f, *a, value, d.reference, key).ok()) return std::nullopt;
    }
    enterprise::DeriveScale(f);
    return f;
  }

  //! What Deliver needs to know about `list`'s recipients for item `c`. Few candidates (an archive
  //! change, a sending step) are read one by one through the recipient indexes; many (a
  //! publication) with one platform-wide read of each table, cheaper than a point read per row.
  Result<Context> LoadContext(Session& s, const ItemCtx& c, const std::vector<Candidate>& list) {
    if (list.size() > o.bulk_context_from) return LoadAllContext(s, c);
    Context x;
    core::Date today = Today();
    core::Date monday = today.AddDays(-static_cast<int32_t>(today.Weekday() - 1));
    for (const Candidate& k : list) {
      if (x.prefs.count(k.recipient)) continue;  // a recipient listed for two reasons
      if (k.enterprise_id) {
        HQ_ASSIGN_OR_RETURN(auto users, s.Query(d::kReachableOne, {*k.enterprise_id}));
        for (const auto& r : users) x.users[*k.enterprise_id].push_back(r.Int("user_id"));
        HQ_ASSIGN_OR_RETURN(auto acted,
                            s.QueryOptional(d::kActedOnOne, {*k.enterprise_id, c.item.id, c.item.id}));
        if (acted) x.acted.insert(*k.enterprise_id);
      }
      HQ_ASSIGN_OR_RETURN(x.prefs[k.recipient], LoadPrefs(s, k.recipient));
      HQ_ASSIGN_OR_RETURN(auto qualify, s.QueryOptional(d::kQualifyOf, {k.recipient}));
      if (qualify) x.qualify.insert(k.recipient);
      HQ_ASSIGN_OR_RETURN(auto told, s.Query(d::kToldAboutOne, {k.recipient, c.item.id}));
      for (const auto& r : told) {
        x.told[k.recipient].push_back(r.Text("reason"));
        if (r.Text("feedback") == "irrelevant") x.irrelevant.insert(k.recipient);
      }
      HQ_ASSIGN_OR_RETURN(auto similar,
                          s.QueryOne(d::kSimilarIrrelevantOne,
                                     {k.recipient, c.item.id, c.item.department.id, c.item.id}, "", ""));
      if (similar.Int("n") > 0) x.similar[k.recipient] = similar.Int("n");
      HQ_ASSIGN_OR_RETURN(
          auto counts,
          s.QueryOne(d::kSentCountsOne, {today.ToString(), k.recipient, monday.ToString()}, "", ""));
      if (counts.Int("week") > 0) x.counts[k.recipient] = {counts.Int("today"), counts.Int("week")};
    }
    return x;
  }

  Result<Context> LoadAllContext(Session& s, const ItemCtx& c) {
    Context x;
    HQ_ASSIGN_OR_RETURN(auto users, s.Query(d::kReachable));
    for (const auto& r : users) x.users[r.Int("enterprise_id")].push_back(r.Int("user_id"));
    HQ_ASSIGN_OR_RETURN(auto prefs, s.Query(d::kAllPrefs));
    for (const auto& r : prefs) x.prefs[r.Text("recipient")] = PrefsFrom(r);
    HQ_ASSIGN_OR_RETURN(auto subs, s.Query(d::kActiveSubscriptions));
    for (const auto& r : subs) {
      if (r.Text("kind") == "qualify") x.qualify.insert(r.Text("recipient"));
    }
    HQ_ASSIGN_OR_RETURN(auto told, s.Query(d::kToldAbout, {c.item.id}));
    for (const auto& r : told) {
      x.told[r.Text("recipient")].push_back(r.Text("reason"));
      if (r.Text("feedback") == "irrelevant") x.irrelevant.insert(r.Text("recipient"));
    }
    HQ_ASSIGN_OR_RETURN(auto acted, s.Query(d::kActedOn, {c.item.id, c.item.id}));
    for (const auto& r : acted) x.acted.insert(r.Int("enterprise_id"));
    HQ_ASSIGN_OR_RETURN(auto similar,
                        s.Query(d::kSimilarIrrelevant, {c.item.id, c.item.department.id, c.item.id}));
    for (const auto& r : similar) x.similar[r.Text("recipient")] = r.Int("n");
    core::Date today = Today();
    core::Date monday = today.AddDays(-static_cast<int32_t>(today.Weekday() - 1));
    HQ_ASSIGN_OR_RETURN(auto counts, s.Query(d::kSentCounts, {today.ToString(), monday.ToString()}));
    for (const auto& r : counts) x.counts[r.Text("recipient")] = {r.Int("today"), r.Int("week")};
    return x;
  }

  //! Decides and (unless `dry`) writes each candidate's push: skipped (unreachable, opted out,
  //! acted on or 不相关, told already), deferred into the digest (rhythm, caps, low weight), or sent.
  Status Deliver(Session& s, Context& x, const ItemCtx& c, const std::vector<Candidate>& list,
                 std::optional<int64_t> campaign_id, bool dry, const std::string& message, Tally& t) {
    std::string now = Now(), day = Today().ToString();
    for (const Candidate& k : list) {
      const std::vector<int64_t>* users = nullptr;
      std::vector<int64_t> person;
      if (k.enterprise_id) {
        auto it = x.users.find(*k.enterprise_id);
        if (it == x.users.end()) {
          ++t.unreachable;
          continue;
        }
        users = &it->second;
      } else {
        person.push_back(std::stoll(k.recipient.substr(2)));
        users = &person;
      }
      auto pit = x.prefs.find(k.recipient);
      const Prefs prefs = pit == x.prefs.end() ? Prefs{} : pit->second;
      bool consented = k.reason == "interest" || prefs.auto_push ||
                       (k.reason == "eligible" && x.qualify.count(k.recipient) > 0);
      if (!consented) {
        ++t.opted_out;
        continue;
      }
      if (x.irrelevant.count(k.recipient) || (k.enterprise_id && x.acted.count(*k.enterprise_id))) {
        ++t.suppressed;
        continue;
      }
      auto& told = x.told[k.recipient];
      bool same = std::find(told.begin(), told.end(), k.reason) != told.end();
      bool eligible_told = std::find(told.begin(), told.end(), "eligible") != told.end();
      if (same || eligible_told || (k.reason != "eligible" && !told.empty())) {
        ++t.already_told;
        continue;
      }
      told.push_back(k.reason);
      if (k.reason == "eligible") ++t.eligible;
      if (k.reason == "near_miss") ++t.near_miss;
      if (k.reason == "interest") ++t.interest;
      if (k.reason == "list") ++t.list;
      auto& count = x.counts[k.recipient];
      int daily = std::min(prefs.daily_cap.value_or(o.daily_cap), o.daily_cap);
      int weekly = std::min(prefs.weekly_cap.value_or(o.weekly_cap), o.weekly_cap);
      auto sim = x.similar.find(k.recipient);
      bool low_weight = sim != x.similar.end() && sim->second >= 2;
      bool immediate =
          prefs.rhythm == "immediate" && !low_weight && count.first < daily && count.second < weekly;
      if (immediate) {
        ++count.first;
        ++count.second;
        ++t.sent;
      } else {
        ++t.deferred;
      }
      if (dry) continue;
      HQ_ASSIGN_OR_RETURN(
          auto row,
          s.QueryOptional(d::kInsertPush, {store::OptionalInt(campaign_id), k.recipient,
                                           store::OptionalInt(k.enterprise_id), c.item.id, k.reason, *k.text,
                                           std::string(immediate ? "sent" : "deferred"), day, now}));
      if (!row) continue;  // written by an earlier run (a resumed campaign): nobody is told twice
      if (!immediate) continue;
      int64_t push_id = row->Int("id");
      std::string scope = k.subscription_id ? std::to_string(*k.subscription_id) : "all";
      notify::Notice n;
      n.kind = "push.item";
      n.title = std::string(ReasonLabel(k.reason)) + "：" + c.item.name;
      n.body = NoticeBody(c, *k.text, push_id, UnsubscribeLink(k.recipient, scope), message);
      n.link = "/items/" + std::to_string(c.item.id) + "?push=" + std::to_string(push_id);
      n.entity = "push";
      n.entity_id = std::to_string(push_id);
      int64_t quiet = QuietUntil(prefs);
      std::optional<int64_t> first;
      for (size_t i = 0; i < users->size(); ++i) {
        n.user_id = (*users)[i];
        std::vector<notify::Delivery> deliveries;
        if (prefs.sms) {
          std::string short_reason =
              k.reason == "near_miss" ? "仅差一项条件" : std::string(ReasonLabel(k.reason));
          HQ_ASSIGN_OR_RETURN(auto sms, d.notifier.SmsTo(s, (*users)[i], "SMS_PUSH",
                                                         {{"item", c.item.name}, {"reason", short_reason}}));
          if (sms) {
            sms->not_before = quiet;
            deliveries.push_back(std::move(*sms));
          }
        }
        if (i == 0 && !prefs.webhook_url.empty()) {
          auto url = d.keys.Open(prefs.webhook_url, "push-webhook");
          if (url.ok()) {
            notify::Delivery w{notify::Channel::kWebhook,
                               *url,
                               "",
                               {{"item_id", std::to_string(c.item.id)},
                                {"reason", k.reason},
                                {"push_id", std::to_string(push_id)}}};
            w.not_before = quiet;
            deliveries.push_back(std::move(w));
          }
        }
        HQ_ASSIGN_OR_RETURN(int64_t notice, d.notifier.Send(s, n, deliveries));
        if (!first) first = notice;
      }
      if (first) HQ_RETURN_IF_ERROR(s.Exec(d::kPushDelivered, {*first, now, push_id}));
    }
    return core::Ok();
  }

  // ---- who: the bitmap engine's eligible and near-miss sets, and the subscribers ----

  struct Texts {
    std::string eligible;
    std::vector<std::string> near;  // per top-level condition
  };

  Texts ReasonTexts(const rules::Node& rule, const std::string& lead) const {
    Texts t;
    std::vector<std::string> lines = rules::DescribeLines(rule, d.schema, Namer());
    std::string all;
    for (const auto& l : lines) all += (all.empty() ? "" : "；") + l;
    t.eligible = lead + all;
    if (rule.kind == rules::NodeKind::kAnd) {
      for (size_t i = 0; i < rule.children.size(); ++i) {
        std::string missing =
            i < lines.size() ? lines[i] : rules::Describe(rule.children[i], d.schema, Namer());
        t.near.push_back("其他条件均已符合，仅差一项：" + missing +
                         "。如档案数据已变化，可在企业档案中更新或申请更正");
      }
    }
    return t;
  }

  bool Changeable(const rules::Node& child) const {
    for (const rules::Node* leaf : rules::Leaves(child)) {
      if (rules::OnFact(*leaf, d.schema)) return false;
      const rules::Node& n = leaf->kind == rules::NodeKind::kNot ? leaf->children[0] : *leaf;
      if (n.kind == rules::NodeKind::kReviewed) return false;
    }
    return true;
  }

  //! Eligible, then near misses, then subscribers (the order caps are spent in).
  Result<std::vector<Candidate>> ItemCandidates(Session& s, const ItemCtx& c, Texts& texts,
                                                std::vector<std::string>& interest_texts) {
    std::vector<Candidate> out;
    std::unordered_set<std::string> seen;
    bool for_enterprises = c.item.target != policy::Target::kIndividual;
    if (for_enterprises && !c.item.rule_text.empty()) {
      auto rule = rules::Parse(c.item.rule_text, d.schema);
      if (rule.ok()) {
        core::Date today = Today();
        texts = ReasonTexts(*rule, "符合本事项全部条件：");
        for (int64_t id : d.matches.Eligible(*rule, today)) {
          out.push_back({"e:" + std::to_string(id), id, "eligible", &texts.eligible, std::nullopt});
          seen.insert(out.back().recipient);
        }
        auto near =
            d.matches.NearMisses(*rule, today, [&](size_t i) { return Changeable(rule->children[i]); });
        for (auto [id, i] : near) {
          out.push_back({"e:" + std::to_string(id), id, "near_miss", &texts.near[i], std::nullopt});
          seen.insert(out.back().recipient);
        }
      } else {
        spdlog::warn("push: item {} rule does not parse: {}", c.item.id, rule.error().message_en);
      }
    }
    HQ_ASSIGN_OR_RETURN(auto subs, s.Query(d::kActiveSubscriptions));
    interest_texts.reserve(subs.size());  // pointers into it stay valid
    for (const auto& sub : subs) {
      std::string recipient = sub.Text("recipient");
      if (sub.Text("kind") == "qualify" || seen.count(recipient) || !SubscriptionMatches(sub, c)) continue;
      if (recipient.rfind("e:", 0) == 0 && !for_enterprises) continue;
      seen.insert(recipient);
      interest_texts.push_back("您订阅了" + std::string(SubscriptionKindLabel(sub.Text("kind"))) + "“" +
                               (sub.Text("label").empty() ? sub.Text("value") : sub.Text("label")) +
                               "”，本事项与之相符");
      std::optional<int64_t> ent;
      if (recipient.rfind("e:", 0) == 0) ent = std::stoll(recipient.substr(2));
      out.push_back({recipient, ent, "interest", &interest_texts.back(), sub.Int("id")});
    }
    return out;
  }

  Status FinishAuto(Session& s, int64_t campaign, const Tally& t) {
    HQ_RETURN_IF_ERROR(
        s.Exec(d::kCampaignTotals, {t.sent + t.deferred + t.skipped(), t.ToJson().dump(), campaign}));
    HQ_RETURN_IF_ERROR(s.Exec(d::kCampaignProgress, {t.sent, t.deferred, t.skipped(), campaign}));
    return core::Ok();
  }

  // ---- the compiled catalogue for archive changes ----
  Result<std::pair<std::shared_ptr<policy::MatchCatalogue>, std::shared_ptr<match::CompiledCatalogue>>>
  Compiled() {
    std::lock_guard lock(mu);
    core::Date today = Today();
    if (stale.exchange(false) || !compiled || day != today) {
      auto loaded = policy::LoadMatchCatalogue(d.policies, d.schema, today);
      if (!loaded.ok()) {
        stale = true;
        return loaded.error();
      }
      catalogue = std::make_shared<policy::MatchCatalogue>(std::move(*loaded));
      compiled = std::make_shared<match::CompiledCatalogue>(catalogue->items, d.schema, Namer());
      day = today;
    }
    return std::pair{catalogue, compiled};
  }

  Result<Campaign> CampaignOf(Session& s, int64_t id) {
    HQ_ASSIGN_OR_RETURN(auto row, s.QueryOptional(d::kCampaignById, {id}));
    if (!row) return core::NotFound("推送批次", "push campaign");
    return CampaignFrom(*row);
  }

  Campaign CampaignFrom(const store::Row& r) const {
    Campaign c;
    c.id = r.Int("id");
    c.kind = r.Text("kind");
    c.item_id = r.Int("item_id");
    c.item_name = r.Text("item_name");
    c.department_id = r.Int("department_id");
    c.target = r.Text("target");
    c.rule_text = r.Text("rule_text");
    c.message = r.Text("message");
    c.status = r.Text("status");
    c.note = r.Text("note");
    c.total = r.Int("total");
    c.sent = r.Int("sent");
    c.deferred = r.Int("deferred");
    c.skipped = r.Int("skipped");
    c.breakdown = json::parse(r.Text("breakdown"), nullptr, false);
    if (c.breakdown.is_discarded()) c.breakdown = json::object();
    c.created_by = r.OptInt("created_by");
    c.approved_by = r.OptInt("approved_by");
    c.created_at = r.Text("created_at");
    c.submitted_at = r.OptText("submitted_at");
    c.approved_at = r.OptText("approved_at");
    c.finished_at = r.OptText("finished_at");
    c.needs_approval = c.kind == "batch" && c.total > o.approval_threshold;
    return c;
  }

  Status CanSee(const auth::Principal& p, int64_t department_id) {
    if (p.Is(auth::UserKind::kPlatformAdmin)) return core::Ok();
    return auth::RequireDepartment(p, department_id);
  }
};

PushService::PushService(PushDeps deps, PushOptions options)
    : impl_(std::make_unique<Impl>(std::move(deps), std::move(options))) {}
PushService::~PushService() = default;
const PushOptions& PushService::options() const { return impl_->o; }

// ---------------------------------------------------------------- settings

Result<Settings> PushService::GetSettings(const auth::Principal& me) {
  auto& x = *impl_;
  HQ_ASSIGN_OR_RETURN(std::string recipient, x.RecipientOf(me));
  return x.d.db.ReadValue<Settings>([&](Session& s) -> Result<Settings> {
    HQ_ASSIGN_OR_RETURN(Prefs p, x.LoadPrefs(s, recipient));
    Settings out;
    out.auto_push = p.auto_push;
    out.rhythm = p.rhythm;
    out.daily_cap = p.daily_cap;
    out.weekly_cap = p.weekly_cap;
    out.quiet_start = p.quiet_start;
    out.quiet_end = p.quiet_end;
    out.sms = p.sms;
    if (!p.webhook_url.empty()) {
      auto open = x.d.keys.Open(p.webhook_url, "push-webhook");
      if (open.ok()) out.webhook_url = *open;
    }
    HQ_ASSIGN_OR_RETURN(auto subs, s.Query(d::kSubscriptionsOf, {recipient}));
    for (const auto& r : subs) {
      out.subscriptions.push_back({r.Int("id"), r.Text("kind"), r.Text("value"), r.Text("label"),
                                   r.Text("created_at"), r.Bool("active")});
    }
    return out;
  });
}

Result<Settings> PushService::SaveSettings(const auth::Principal& me, const Settings& in) {
  auto& x = *impl_;
  HQ_ASSIGN_OR_RETURN(std::string recipient, x.RecipientOf(me));
  if (in.rhythm != "immediate" && in.rhythm != "daily" && in.rhythm != "weekly") {
    return core::InvalidArgument("rhythm", "invalid_rhythm", "推送节奏应为即时、每日摘要或每周摘要",
                                 "rhythm: immediate | daily | weekly");
  }
  if (in.daily_cap && (*in.daily_cap < 0 || *in.daily_cap > x.o.daily_cap)) {
    return core::InvalidArgument("daily_cap", "cap_out_of_range",
                                 "每日推送上限应在 0 到 " + std::to_string(x.o.daily_cap) + " 之间",
                                 "daily_cap out of range");
  }
  if (in.weekly_cap && (*in.weekly_cap < 0 || *in.weekly_cap > x.o.weekly_cap)) {
    return core::InvalidArgument("weekly_cap", "cap_out_of_range",
                                 "每周推送上限应在 0 到 " + std::to_string(x.o.weekly_cap) + " 之间",
                                 "weekly_cap out of range");
  }
  if (in.quiet_start.empty() != in.quiet_end.empty()) {
    return core::InvalidArgument(in.quiet_start.empty() ? "quiet_start" : "quiet_end", "required",
                                 "免打扰时段须同时填写开始和结束时间", "quiet hours need both ends");
  }
  for (auto [field, v] : {std::pair{"quiet_start", &in.quiet_start}, std::pair{"quiet_end", &in.quiet_end}}) {
    if (!v->empty() && !ValidClock(*v)) {
      return core::InvalidArgument(field, "invalid_time", "时间格式应为 HH:MM（如 22:00）", "time: HH:MM");
    }
  }
  if (!in.quiet_start.empty() && in.quiet_start == in.quiet_end) {
    return core::InvalidArgument("quiet_end", "invalid_time", "免打扰结束时间不能与开始时间相同",
                                 "quiet hours are empty");
  }
  if (!in.webhook_url.empty() && (in.webhook_url.size() > 500 || !WebhookAllowed(in.webhook_url))) {
    return core::InvalidArgument("webhook_url", "webhook_not_https",
                                 "接收地址须为 https 地址（或本机 http 地址）", "webhook: https or loopback");
  }
  std::string now = x.Now();
  HQ_RETURN_IF_ERROR(x.d.db.Write([&](Session& s) -> Status {
    HQ_ASSIGN_OR_RETURN(Prefs before, x.LoadPrefs(s, recipient));
    Prefs after;
    after.auto_push = in.auto_push;
    after.rhythm = in.rhythm;
    after.daily_cap = in.daily_cap;
    after.weekly_cap = in.weekly_cap;
    after.quiet_start = in.quiet_start;
    after.quiet_end = in.quiet_end;
    after.sms = in.sms;
    after.webhook_url = in.webhook_url.empty() ? "" : x.d.keys.Seal(in.webhook_url, "push-webhook");
    HQ_RETURN_IF_ERROR(s.Exec(
        d::kUpsertPrefs, {recipient, int64_t{after.auto_push}, after.rhythm,
                          after.daily_cap ? store::Value(int64_t{*after.daily_cap}) : store::Null(),
                          after.weekly_cap ? store::Value(int64_t{*after.weekly_cap}) : store::Null(),
                          after.quiet_start, after.quiet_end, int64_t{after.sms}, after.webhook_url, now}));
    return audit::Record(s, x.d.clock, ActorOf(me), "push.settings", "push_prefs", recipient,
                         PrefsJson(before), PrefsJson(after));
  }));
  return GetSettings(me);
}

Result<Subscription> PushService::Subscribe(const auth::Principal& me, const std::string& kind_in,
                                            const std::string& value_in) {
  auto& x = *impl_;
  HQ_ASSIGN_OR_RETURN(std::string recipient, x.RecipientOf(me));
  std::string kind = kind_in, value = value_in, label;
  auto bad = [](std::string zh) {
    return core::InvalidArgument("value", "invalid_subscription", std::move(zh),
                                 "unknown subscription value");
  };
  HQ_ASSIGN_OR_RETURN(bool ok_value, x.d.db.ReadValue<bool>([&](Session& s) -> Result<bool> {
    if (kind == "tag") {
      HQ_ASSIGN_OR_RETURN(auto r, s.QueryOptional(d::kTagByName, {value}));
      label = value;
      return r.has_value();
    }
    if (kind == "type") {
      HQ_ASSIGN_OR_RETURN(auto r, s.QueryOptional(d::kTypeByCode, {value, value}));
      if (!r) return false;
      value = r->Text("code");
      label = r->Text("label");
      return true;
    }
    if (kind == "department") {
      HQ_ASSIGN_OR_RETURN(auto r, s.QueryOptional(d::kDepartmentByCode, {value, value}));
      if (!r) return false;
      value = r->Text("code");
      label = r->Text("name");
      return true;
    }
    return true;
  }));
  if (kind == "tag" || kind == "type" || kind == "department") {
    if (!ok_value) {
      return bad(kind == "tag"    ? "未知标签“" + value + "”"
                 : kind == "type" ? "未知政策类型“" + value + "”"
                                  : "未知部门“" + value + "”");
    }
  } else if (kind == "level") {
    static const std::vector<std::pair<std::string, std::string>> kLevels = {
        {"national", "国家级"}, {"provincial", "省级"}, {"municipal", "市级"}, {"county", "县区级"}};
    auto it = std::find_if(kLevels.begin(), kLevels.end(),
                           [&](const auto& l) { return l.first == value || l.second == value; });
    if (it == kLevels.end()) return bad("政策层级应为国家级、省级、市级或县区级");
    value = it->first;
    label = it->second;
  } else if (kind == "region") {
    const core::CodeEntry* e = x.d.reference ? x.d.reference->regions().Find(value) : nullptr;
    bool digits = !value.empty() && std::all_of(value.begin(), value.end(), ::isdigit);
    if (!digits || (x.d.reference && !e)) return bad("未知地区代码“" + value + "”");
    label = e ? e->name : value;
    value = rules::NormalizeCodePrefix("region", value);
  } else if (kind == "keyword") {
    std::string norm = x.Normalize(value);
    size_t n = Utf8Length(norm);
    if (n < 2 || n > 30 || x.Words(norm).empty()) return bad("关键词应为 2 到 30 个字");
    label = value;
    value = norm;
  } else if (kind == "qualify") {
    value = "";
    label = "我符合条件的全部事项";
  } else {
    return core::InvalidArgument(
        "kind", "invalid_kind",
        "订阅方式应为标签、政策类型、层级、部门、地区、关键词或“我符合条件的全部事项”",
        "kind: tag | type | level | department | region | keyword | qualify");
  }
  std::string now = x.Now();
  return x.d.db.WriteValue<Subscription>([&](Session& s) -> Result<Subscription> {
    HQ_ASSIGN_OR_RETURN(
        auto r, s.QueryOne(d::kInsertSubscription, {recipient, kind, value, label, me.user_id, now}, "", ""));
    Subscription sub{r.Int("id"),     r.Text("kind"),       r.Text("value"),
                     r.Text("label"), r.Text("created_at"), true};
    HQ_RETURN_IF_ERROR(audit::Record(s, x.d.clock, ActorOf(me), "push.subscribe", "subscription",
                                     std::to_string(sub.id), json(),
                                     {{"recipient", recipient}, {"kind", kind}, {"value", value}}));
    return sub;
  });
}

Status PushService::Unsubscribe(const auth::Principal& me, int64_t id) {
  auto& x = *impl_;
  HQ_ASSIGN_OR_RETURN(std::string recipient, x.RecipientOf(me));
  return x.d.db.Write([&](Session& s) -> Status {
    HQ_ASSIGN_OR_RETURN(int64_t n, s.Exec(d::kDeactivateSubscription, {id, recipient}));
    if (n == 0) return core::NotFound("订阅", "subscription");
    return audit::Record(s, x.d.clock, ActorOf(me), "push.unsubscribe", "subscription", std::to_string(id),
                         {{"active", true}}, {{"active", false}});
  });
}

std::string PushService::UnsubscribeToken(const std::string& recipient, const std::string& scope) const {
  return impl_->Token(recipient, scope);
}

Result<std::string> PushService::UnsubscribeByToken(const std::string& token) {
  auto& x = *impl_;
  size_t a = token.find('~'), b = a == std::string::npos ? a : token.find('~', a + 1);
  auto forged = core::InvalidArgument("token", "invalid_token", "退订链接无效或已被篡改", "invalid token");
  if (b == std::string::npos) return forged;
  std::string recipient = token.substr(0, a), scope = token.substr(a + 1, b - a - 1),
              mac = token.substr(b + 1);
  if (!x.d.keys.VerifyMac(recipient + "~" + scope, mac, "push-unsubscribe")) return forged;
  std::string now = x.Now();
  return x.d.db.WriteValue<std::string>([&](Session& s) -> Result<std::string> {
    std::string label;
    if (scope == "all") {
      HQ_RETURN_IF_ERROR(s.Exec(d::kOptOutAll, {recipient, now}));
      HQ_RETURN_IF_ERROR(s.Exec(d::kDeactivateAll, {recipient}));
      label = "全部政策推送";
    } else {
      int64_t id = 0;
      try {
        id = std::stoll(scope);
      } catch (...) {
        return forged;
      }
      HQ_ASSIGN_OR_RETURN(auto sub, s.QueryOptional(d::kSubscriptionById, {id, recipient}));
      if (!sub) return core::NotFound("订阅", "subscription");
      HQ_RETURN_IF_ERROR(s.Exec(d::kDeactivateSubscription, {id, recipient}));
      label = std::string(SubscriptionKindLabel(sub->Text("kind"))) + "“" + sub->Text("label") + "”";
    }
    HQ_RETURN_IF_ERROR(audit::Record(s, x.d.clock, {std::nullopt, "unsubscribe-link"},
                                     "push.unsubscribe_link", "push_prefs", recipient, json(),
                                     {{"scope", scope}}));
    return label;
  });
}

// ---------------------------------------------------------------- the recipient's pushes

namespace {
Push PushFrom(const store::Row& r) {
  Push p;
  p.id = r.Int("id");
  p.item_id = r.Int("item_id");
  p.campaign_id = r.OptInt("campaign_id");
  p.notice_id = r.OptInt("notice_id");
  if (!p.notice_id) p.notice_id = r.OptInt("digest_notice_id");
  p.recipient = r.Text("recipient");
  p.item_name = r.Text("item_name");
  p.department = r.Text("department");
  p.reason = r.Text("reason");
  p.reason_text = r.Text("reason_text");
  p.status = r.Text("status");
  p.feedback = r.Text("feedback");
  p.feedback_reason = r.Text("feedback_reason");
  p.created_at = r.Text("created_at");
  p.clicked_at = r.OptText("clicked_at");
  p.item_open = r.Text("item_status") == "published";
  return p;
}
}  // namespace

Result<std::vector<Push>> PushService::MyPushes(const auth::Principal& me, int page, int page_size,
                                                int64_t* total) {
  auto& x = *impl_;
  HQ_ASSIGN_OR_RETURN(std::string recipient, x.RecipientOf(me));
  page = std::max(page, 1);
  page_size = page_size < 1 || page_size > 100 ? 20 : page_size;
  return x.d.db.ReadValue<std::vector<Push>>([&](Session& s) -> Result<std::vector<Push>> {
    HQ_ASSIGN_OR_RETURN(auto n, s.QueryOne(d::kCountPushesOf, {recipient}, "", ""));
    if (total) *total = n.Int("n");
    HQ_ASSIGN_OR_RETURN(
        auto rows, s.Query(d::kPushesOf, {recipient, int64_t{page_size}, int64_t{page - 1} * page_size}));
    std::vector<Push> out;
    for (const auto& r : rows) out.push_back(PushFrom(r));
    return out;
  });
}

Result<Push> PushService::MarkIrrelevant(const auth::Principal& me, int64_t id,
                                         const std::string& reason_in) {
  auto& x = *impl_;
  HQ_ASSIGN_OR_RETURN(std::string recipient, x.RecipientOf(me));
  std::string reason = reason_in.empty() ? "不相关" : reason_in;
  if (Utf8Length(reason) > 200) {
    return core::InvalidArgument("reason", "too_long", "原因不超过 200 字", "reason: at most 200 characters");
  }
  std::string now = x.Now();
  return x.d.db.WriteValue<Push>([&](Session& s) -> Result<Push> {
    HQ_ASSIGN_OR_RETURN(auto before, s.QueryOptional(d::kPushById, {id, recipient}));
    if (!before) return core::NotFound("推送", "push");
    HQ_ASSIGN_OR_RETURN(int64_t n, s.Exec(d::kMarkIrrelevant, {reason, now, id, recipient}));
    if (n == 0) {
      return core::MakeError(core::ErrorKind::kConflict, "feedback_given", "已反馈过该推送",
                             "feedback was given already", "feedback");
    }
    HQ_RETURN_IF_ERROR(audit::Record(s, x.d.clock, ActorOf(me), "push.irrelevant", "push", std::to_string(id),
                                     {{"feedback", ""}}, {{"feedback", "irrelevant"}, {"reason", reason}}));
    HQ_ASSIGN_OR_RETURN(auto after, s.QueryOne(d::kPushById, {id, recipient}, "推送", "push"));
    return PushFrom(after);
  });
}

Status PushService::MarkClicked(const auth::Principal& me, int64_t id) {
  auto& x = *impl_;
  HQ_ASSIGN_OR_RETURN(std::string recipient, x.RecipientOf(me));
  std::string now = x.Now();
  // A measurement, not a change of anything anyone decides on: no audit row.
  return x.d.db.Write([&](Session& s) -> Status {
    HQ_ASSIGN_OR_RETURN(auto mine, s.QueryOptional(d::kPushById, {id, recipient}));
    if (!mine) return core::NotFound("推送", "push");
    HQ_RETURN_IF_ERROR(s.Exec(d::kMarkClicked, {now, id, recipient}));
    return core::Ok();
  });
}

// ---------------------------------------------------------------- department batches

Result<Campaign> PushService::Draft(const auth::Principal& officer, const NewCampaign& in) {
  auto& x = *impl_;
  if (in.item_id <= 0) {
    return core::InvalidArgument("item_id", "invalid_id", "请选择要推送的事项", "item_id is required");
  }
  auto item = x.d.policies.GetItem(&officer, in.item_id);
  if (!item.ok()) return item.error();
  HQ_RETURN_IF_ERROR(x.CanSee(officer, item->department.id));
  if (item->status != policy::ItemStatus::kPublished) {
    return core::MakeError(core::ErrorKind::kFailedPrecondition, "item_not_published",
                           "事项尚未发布，不能推送", "the item is not published", "item_id");
  }
  if (Utf8Length(in.message) > 500) {
    return core::InvalidArgument("message", "too_long", "部门留言不超过 500 字",
                                 "message: at most 500 characters");
  }
  HQ_ASSIGN_OR_RETURN(ItemCtx c, x.LoadItem(in.item_id));
  core::Date today = x.Today();
  std::vector<Candidate> list;
  std::string text;
  Impl::Texts texts;
  std::string rule_text;
  if (in.target == "eligible" || in.target == "rule") {
    rule_text = in.target == "eligible" ? c.item.rule_text : in.rule_text;
    if (rule_text.empty()) {
      return core::InvalidArgument(
          in.target == "eligible" ? "target" : "rule_text", "no_rule",
          in.target == "eligible" ? "该事项尚未设置申报条件规则，请按规则或名单推送" : "请填写推送条件规则",
          "no rule to target");
    }
    auto rule = rules::Parse(rule_text, x.d.schema);
    if (!rule.ok()) {
      core::Error e = rule.error();
      e.field = "rule_text";
      return e;
    }
    texts =
        x.ReasonTexts(*rule, in.target == "eligible" ? "符合本事项全部条件：" : "符合部门设定的推送条件：");
    std::string reason = in.target == "eligible" ? "eligible" : "list";
    for (int64_t id : x.d.matches.Eligible(*rule, today)) {
      list.push_back({"e:" + std::to_string(id), id, reason, &texts.eligible, std::nullopt});
    }
  } else if (in.target == "list") {
    if (in.usccs.empty()) {
      return core::InvalidArgument("usccs", "required", "请上传或填写推送名单（统一社会信用代码）",
                                   "usccs is required");
    }
    if (in.usccs.size() > 100000) {
      return core::InvalidArgument("usccs", "too_many", "名单不超过 10 万户", "at most 100,000 rows");
    }
    text = c.item.department.name + "将贵单位列入本事项推送名单";
    std::set<int64_t> ids;
    std::vector<std::string> problems;
    HQ_RETURN_IF_ERROR(x.d.db.Read([&](Session& s) -> Status {
      for (size_t i = 0; i < in.usccs.size(); ++i) {
        auto u = core::NormalizeUscc(in.usccs[i]);
        if (!u.ok()) {
          problems.push_back("第 " + std::to_string(i + 1) + " 行：" + u.error().message);
          continue;
        }
        HQ_ASSIGN_OR_RETURN(auto row, s.QueryOptional(d::kEnterpriseByUscc, {*u}));
        if (!row) {
          problems.push_back("第 " + std::to_string(i + 1) + " 行：档案中没有企业 " + *u);
          continue;
        }
        ids.insert(row->Int("id"));
      }
      return core::Ok();
    }));
    if (!problems.empty()) {
      std::string all;
      for (size_t i = 0; i < problems.size() && i < 20; ++i) all += (i ? "；" : "") + problems[i];
      if (problems.size() > 20) all += "；等 " + std::to_string(problems.size()) + " 处";
      return core::InvalidArgument("usccs", "invalid_list", "名单有误，未创建推送：" + all,
                                   "the list has bad rows");
    }
    for (int64_t id : ids) list.push_back({"e:" + std::to_string(id), id, "list", &text, std::nullopt});
  } else {
    return core::InvalidArgument("target", "invalid_target", "推送对象应为符合条件企业、按规则或名单",
                                 "target: eligible | rule | list");
  }
  // What sending would do now: the breakdown and the preview, then the targets that count.
  Tally t;
  std::vector<const Candidate*> keep;
  HQ_RETURN_IF_ERROR(x.d.db.Read([&](Session& s) -> Status {
    HQ_ASSIGN_OR_RETURN(Impl::Context ctx, x.LoadContext(s, c, list));
    for (const Candidate& k : list) {
      Tally one;
      HQ_RETURN_IF_ERROR(x.Deliver(s, ctx, c, {k}, std::nullopt, true, in.message, one));
      t += one;
      if (one.sent + one.deferred > 0) keep.push_back(&k);
    }
    return core::Ok();
  }));
  std::string now = x.Now();
  HQ_ASSIGN_OR_RETURN(int64_t id, x.d.db.WriteValue<int64_t>([&](Session& s) -> Result<int64_t> {
    HQ_ASSIGN_OR_RETURN(
        auto row, s.QueryOne(d::kInsertBatchCampaign,
                             {c.item.id, c.item.department.id, in.target, rule_text, in.message,
                              static_cast<int64_t>(keep.size()), t.ToJson().dump(), officer.user_id, now},
                             "", ""));
    int64_t cid = row.Int("id");
    for (const Candidate* k : keep)
      HQ_RETURN_IF_ERROR(s.Exec(d::kInsertTarget, {cid, k->recipient, k->reason, *k->text}));
    HQ_RETURN_IF_ERROR(audit::Record(
        s, x.d.clock, ActorOf(officer), "push.campaign.draft", "push_campaign", std::to_string(cid), json(),
        {{"item_id", c.item.id}, {"target", in.target}, {"total", keep.size()}}));
    return cid;
  }));
  HQ_ASSIGN_OR_RETURN(Campaign out, Get(officer, id));
  std::string sample =
      keep.empty() ? (list.empty() ? texts.eligible : *list.front().text) : *keep.front()->text;
  std::string reason =
      keep.empty() ? (list.empty() ? "eligible" : list.front().reason) : keep.front()->reason;
  out.preview_title = std::string(ReasonLabel(reason)) + "：" + c.item.name;
  out.preview_body = x.NoticeBody(c, sample, 0, "（退订链接）", in.message);
  return out;
}

Result<Campaign> PushService::Submit(const auth::Principal& officer, int64_t id) {
  auto& x = *impl_;
  std::string now = x.Now();
  HQ_RETURN_IF_ERROR(x.d.db.Write([&](Session& s) -> Status {
    HQ_ASSIGN_OR_RETURN(Campaign c, x.CampaignOf(s, id));
    HQ_RETURN_IF_ERROR(x.CanSee(officer, c.department_id));
    if (c.kind != "batch") return core::NotFound("推送批次", "push campaign");
    bool approval = c.total > x.o.approval_threshold;
    std::string to = approval ? "pending_approval" : "sending";
    HQ_RETURN_IF_ERROR(CampaignMachine().Apply(s, approval ? "submit_for_approval" : "submit", id, c.status,
                                               d::kSubmitCampaign, {to, now}));
    if (!approval) {
      HQ_RETURN_IF_ERROR(schedule::Scheduler::Schedule(
          s, x.d.clock, "push.campaign", "push.campaign:" + std::to_string(id),
          core::UnixSeconds(x.d.clock.Now()), json{{"campaign_id", id}}.dump()));
    }
    return audit::Record(s, x.d.clock, ActorOf(officer), "push.campaign.submit", "push_campaign",
                         std::to_string(id), {{"status", c.status}}, {{"status", to}});
  }));
  return Get(officer, id);
}

Result<Campaign> PushService::Approve(const auth::Principal& reviewer, int64_t id) {
  auto& x = *impl_;
  std::string now = x.Now();
  HQ_RETURN_IF_ERROR(x.d.db.Write([&](Session& s) -> Status {
    HQ_ASSIGN_OR_RETURN(Campaign c, x.CampaignOf(s, id));
    HQ_RETURN_IF_ERROR(x.CanSee(reviewer, c.department_id));
    if (c.created_by && *c.created_by == reviewer.user_id) {
      return core::MakeError(core::ErrorKind::kPermissionDenied, "own_campaign", "不能批准自己创建的推送",
                             "a reviewer cannot approve their own campaign");
    }
    HQ_RETURN_IF_ERROR(
        CampaignMachine().Apply(s, "approve", id, c.status, d::kApproveCampaign, {reviewer.user_id, now}));
    HQ_RETURN_IF_ERROR(
        schedule::Scheduler::Schedule(s, x.d.clock, "push.campaign", "push.campaign:" + std::to_string(id),
                                      core::UnixSeconds(x.d.clock.Now()), json{{"campaign_id", id}}.dump()));
    return audit::Record(s, x.d.clock, ActorOf(reviewer), "push.campaign.approve", "push_campaign",
                         std::to_string(id), {{"status", c.status}}, {{"status", "sending"}});
  }));
  return Get(reviewer, id);
}

Result<Campaign> PushService::Reject(const auth::Principal& reviewer, int64_t id, const std::string& reason) {
  auto& x = *impl_;
  if (reason.empty()) {
    return core::InvalidArgument("reason", "required", "请填写驳回理由", "reason is required");
  }
  std::string now = x.Now();
  HQ_RETURN_IF_ERROR(x.d.db.Write([&](Session& s) -> Status {
    HQ_ASSIGN_OR_RETURN(Campaign c, x.CampaignOf(s, id));
    HQ_RETURN_IF_ERROR(x.CanSee(reviewer, c.department_id));
    HQ_RETURN_IF_ERROR(CampaignMachine().Apply(s, "reject", id, c.status, d::kRejectCampaign,
                                               {reviewer.user_id, reason, now}));
    return audit::Record(s, x.d.clock, ActorOf(reviewer), "push.campaign.reject", "push_campaign",
                         std::to_string(id), {{"status", c.status}},
                         {{"status", "rejected"}, {"note", reason}});
  }));
  return Get(reviewer, id);
}

Result<Campaign> PushService::Get(const auth::Principal& viewer, int64_t id) {
  auto& x = *impl_;
  HQ_ASSIGN_OR_RETURN(Campaign c,
                      x.d.db.ReadValue<Campaign>([&](Session& s) { return x.CampaignOf(s, id); }));
  if (auto st = x.CanSee(viewer, c.department_id); !st.ok())
    return core::NotFound("推送批次", "push campaign");
  return c;
}

Result<std::vector<Campaign>> PushService::List(const auth::Principal& viewer, int page, int page_size,
                                                int64_t* total) {
  auto& x = *impl_;
  int64_t dept = 0;
  if (!viewer.Is(auth::UserKind::kPlatformAdmin)) {
    if (!viewer.department_id) {
      return core::MakeError(core::ErrorKind::kPermissionDenied, "forbidden", "无权查看推送", "forbidden");
    }
    dept = *viewer.department_id;
  }
  page = std::max(page, 1);
  page_size = page_size < 1 || page_size > 100 ? 20 : page_size;
  return x.d.db.ReadValue<std::vector<Campaign>>([&](Session& s) -> Result<std::vector<Campaign>> {
    HQ_ASSIGN_OR_RETURN(auto n, s.QueryOne(d::kCountCampaigns, {dept, dept}, "", ""));
    if (total) *total = n.Int("n");
    HQ_ASSIGN_OR_RETURN(auto rows, s.Query(d::kListCampaigns,
                                           {dept, dept, int64_t{page_size}, int64_t{page - 1} * page_size}));
    std::vector<Campaign> out;
    for (const auto& r : rows) out.push_back(x.CampaignFrom(r));
    return out;
  });
}

Result<std::vector<StatRow>> PushService::Stats(const auth::Principal& viewer, const std::string& by) {
  auto& x = *impl_;
  int64_t dept = 0;
  if (!viewer.Is(auth::UserKind::kPlatformAdmin)) {
    if (!viewer.department_id) {
      return core::MakeError(core::ErrorKind::kPermissionDenied, "forbidden", "无权查看推送统计",
                             "forbidden");
    }
    dept = *viewer.department_id;
  }
  const store::Statement* st = by == "campaign"  ? &d::kStatsByCampaign
                               : by == "item"    ? &d::kStatsByItem
                               : by == "channel" ? &d::kStatsByChannel
                                                 : nullptr;
  if (!st) {
    return core::InvalidArgument("by", "invalid_group", "统计维度应为 campaign、item 或 channel",
                                 "by: campaign | item | channel");
  }
  store::Params params = {dept, dept};
  if (st == &d::kStatsByChannel) params = {dept, dept, dept, dept, dept, dept};
  return x.d.db.ReadValue<std::vector<StatRow>>([&](Session& s) -> Result<std::vector<StatRow>> {
    HQ_ASSIGN_OR_RETURN(auto rows, s.Query(*st, params));
    std::vector<StatRow> out;
    for (const auto& r : rows) {
      StatRow row;
      row.key = r.Text("k");
      auto num = [&](const char* c) { return r.IsNull(c) ? int64_t{0} : r.Int(c); };
      row.delivered = num("delivered");
      row.opened = num("opened");
      row.clicked = num("clicked");
      row.applied = num("applied");
      if (by == "channel") {
        row.label = row.key == "inbox" ? "消息中心" : row.key == "sms" ? "短信" : "系统对接（Webhook）";
      } else if (by == "item") {
        HQ_ASSIGN_OR_RETURN(auto name, s.QueryOptional(d::kItemLabel, {r.Int("k")}));
        row.label = name ? name->Text("name") : row.key;
      } else {
        if (r.IsNull("k")) continue;
        HQ_ASSIGN_OR_RETURN(Campaign c, x.CampaignOf(s, r.Int("k")));
        row.label =
            "#" + row.key + " " + c.item_name + "（" + (c.kind == "auto" ? "自动推送" : "部门推送") + "）";
      }
      out.push_back(std::move(row));
    }
    return out;
  });
}

// ---------------------------------------------------------------- background work

Status PushService::OnChanges(const std::vector<audit::Change>& changes) {
  auto& x = *impl_;
  struct Due {
    std::string kind, key, payload;
    int64_t at;
  };
  std::vector<Due> due;
  int64_t now = core::UnixSeconds(x.d.clock.Now());
  core::Date today = x.Today();
  int64_t through = 0;
  std::set<std::string> items;
  std::vector<const audit::Change*> archives;
  for (const auto& c : changes) {
    through = std::max(through, c.id);
    audit::Entity e = audit::EntityOf(c.entity);
    if (e == audit::Entity::kItem || e == audit::Entity::kPolicy) x.stale = true;
    if (e == audit::Entity::kItem) {
      items.insert(c.entity_id);
    } else if (e == audit::Entity::kEnterprise && (c.op == "create" || c.op == "update")) {
      archives.push_back(&c);
    }
  }
  // An import of the whole archive is a change per enterprise: only those with an account
  // (someone to tell) become jobs.
  if (!archives.empty()) {
    HQ_RETURN_IF_ERROR(x.d.db.Read([&](Session& s) -> Status {
      for (const audit::Change* c : archives) {
        int64_t id = std::stoll(c->entity_id);
        HQ_ASSIGN_OR_RETURN(auto users, s.Query(d::kReachableOne, {id}));
        if (users.empty()) continue;
        std::string source = "push.archive:" + c->entity_id + ":" + std::to_string(c->id);
        due.push_back({"push.archive", source,
                       json{{"enterprise_id", id}, {"source", source}, {"change_id", c->id}}.dump(), now});
      }
      return core::Ok();
    }));
  }
  if (due.empty() && items.empty() && through == 0) return core::Ok();
  // The change log says an item changed, not how: a published item's latest publication (its
  // audit row) names the push, so each publication is pushed once, however often it is seen.
  for (const std::string& id : items) {
    auto it = x.d.policies.GetItem(nullptr, std::stoll(id));
    if (!it.ok() || it->status != policy::ItemStatus::kPublished) continue;
    HQ_ASSIGN_OR_RETURN(auto pub, x.d.db.ReadValue<std::optional<store::Row>>([&](Session& s) {
      return s.QueryOptional(d::kLatestPublication, {id});
    }));
    if (!pub || pub->IsNull("id")) continue;
    std::string source = "push.item:" + id + ":" + std::to_string(pub->Int("id"));
    due.push_back(
        {"push.item", source, json{{"item_id", it->id}, {"window", false}, {"source", source}}.dump(), now});
    if (it->period_type == policy::PeriodType::kFixed && it->window_start && *it->window_start > today) {
      std::string wsource = "push.window:" + id + ":" + it->window_start->ToString();
      int64_t at = core::UnixSeconds(core::ShanghaiMidnight(*it->window_start)) +
                   int64_t{x.o.digest_hour} * 3600 + int64_t{x.o.digest_minute} * 60;
      due.push_back({"push.item", wsource,
                     json{{"item_id", it->id}, {"window", true}, {"source", wsource}}.dump(), at});
    }
  }
  std::string stamp = x.Now();
  return x.d.db.Write([&](Session& s) -> Status {
    for (const Due& j : due) {
      HQ_RETURN_IF_ERROR(schedule::Scheduler::Schedule(s, x.d.clock, j.kind, j.key, j.at, j.payload));
    }
    HQ_ASSIGN_OR_RETURN(auto pos, s.QueryOptional(d::kPosition));
    int64_t stored = 0;
    if (pos) {
      try {
        stored = std::stoll(pos->Text("value"));
      } catch (...) {
      }
    }
    if (through > stored) HQ_RETURN_IF_ERROR(s.Exec(d::kSavePosition, {std::to_string(through), stamp}));
    return core::Ok();
  });
}

Status PushService::OnItemJob(Session& s, int64_t item_id, bool window, const std::string& source_key) {
  auto& x = *impl_;
  auto started = std::chrono::steady_clock::now();
  auto loaded = x.LoadItem(item_id);
  if (!loaded.ok()) {
    if (loaded.error().kind == core::ErrorKind::kNotFound) return core::Ok();  // withdrawn since
    return loaded.error();
  }
  ItemCtx& c = *loaded;
  if (c.item.status != policy::ItemStatus::kPublished) return core::Ok();
  std::string now = x.Now();
  HQ_ASSIGN_OR_RETURN(auto row, s.QueryOptional(d::kInsertAutoCampaign,
                                                {source_key, c.item.id, c.item.department.id,
                                                 std::string(window ? "window" : "publish"), now, now}));
  if (!row) return core::Ok();  // this change was pushed already
  int64_t campaign = row->Int("id");
  Impl::Texts texts;
  std::vector<std::string> interest;
  HQ_ASSIGN_OR_RETURN(auto list, x.ItemCandidates(s, c, texts, interest));
  HQ_ASSIGN_OR_RETURN(Impl::Context ctx, x.LoadContext(s, c, list));
  Tally t;
  HQ_RETURN_IF_ERROR(x.Deliver(s, ctx, c, list, campaign, false, "", t));
  HQ_RETURN_IF_ERROR(x.FinishAuto(s, campaign, t));
  HQ_RETURN_IF_ERROR(CampaignMachine().Apply(s, "finish", campaign, "sending", d::kFinishCampaign, {now}));
  spdlog::info("push: item {} ({}) {} candidates: sent {} deferred {} skipped {} in {:.1f} ms", item_id,
               source_key, list.size(), t.sent, t.deferred, t.skipped(), MillisecondsSince(started));
  return audit::Record(s, x.d.clock, kSystem, "push.campaign.auto", "push_campaign", std::to_string(campaign),
                       json(), t.ToJson());
}

Status PushService::OnArchiveJob(Session& s, int64_t enterprise_id, const std::string& source_key,
                                 int64_t change_id) {
  auto& x = *impl_;
  auto started = std::chrono::steady_clock::now();
  HQ_ASSIGN_OR_RETURN(auto users, s.Query(d::kReachableOne, {enterprise_id}));
  if (users.empty()) return core::Ok();  // nobody to tell
  auto profile = x.d.profiles.GetById(enterprise_id);
  if (!profile.ok()) return profile.error().kind == core::ErrorKind::kNotFound ? core::Ok() : profile.error();
  HQ_ASSIGN_OR_RETURN(auto compiled, x.Compiled());
  core::Date today = x.Today();
  match::CompiledMatch m = compiled.second->Match(profile->facts, today);
  // "Newly": what the archive qualified for before this change is not news. The change's audit
  // row holds the archive before it; a created archive had nothing before.
  std::set<int64_t> before;
  std::string id = std::to_string(enterprise_id);
  HQ_ASSIGN_OR_RETURN(auto change, s.QueryOptional(d::kChangeRank, {change_id, id}));
  if (change) {
    HQ_ASSIGN_OR_RETURN(auto audit,
                        s.QueryOptional(d::kArchiveAuditAt, {id, change->Text("at"), change->Int("n")}));
    std::string action = audit ? audit->Text("action") : "";
    std::optional<rules::Facts> was;
    if (action == "enterprise.create") was = rules::Facts{};  // nothing held before
    if (action == "enterprise.update") was = x.FactsFromAudit(audit->Text("before_json"));
    if (was) {
      for (const match::ItemRef& ref : compiled.second->Match(*was, today).eligible) {
        if (ref.standing == match::Standing::kEligible) before.insert(ref.item->id);
      }
    }
  }
  std::string recipient = "e:" + std::to_string(enterprise_id);
  HQ_ASSIGN_OR_RETURN(auto told_rows, s.Query(d::kToldEligible, {recipient}));
  std::set<int64_t> told;
  for (const auto& r : told_rows) told.insert(r.Int("item_id"));
  std::string now = x.Now();
  size_t fresh = 0;
  for (const match::ItemRef& ref : m.eligible) {
    if (ref.standing != match::Standing::kEligible || ref.item->for_individuals) continue;
    if (before.count(ref.item->id) || told.count(ref.item->id)) continue;
    ++fresh;
    auto loaded = x.LoadItem(ref.item->id);
    if (!loaded.ok()) continue;
    ItemCtx& c = *loaded;
    if (c.item.rule_text.empty()) continue;
    auto rule = rules::Parse(c.item.rule_text, x.d.schema);
    if (!rule.ok()) continue;
    std::string text = x.ReasonTexts(*rule, "企业档案更新后，贵单位已符合本事项全部条件：").eligible;
    std::string key = "archive:" + std::to_string(c.item.id);
    HQ_RETURN_IF_ERROR(s.QueryOptional(
        d::kInsertAutoCampaign, {key, c.item.id, c.item.department.id, std::string("archive"), now, now}));
    HQ_ASSIGN_OR_RETURN(auto camp, s.QueryOne(d::kCampaignBySource, {key}, "", ""));
    std::vector<Candidate> one{{recipient, enterprise_id, "eligible", &text, std::nullopt}};
    HQ_ASSIGN_OR_RETURN(Impl::Context ctx, x.LoadContext(s, c, one));
    Tally t;
    HQ_RETURN_IF_ERROR(x.Deliver(s, ctx, c, one, camp.Int("id"), false, "", t));
    HQ_RETURN_IF_ERROR(s.Exec(d::kCampaignProgress, {t.sent, t.deferred, int64_t{0}, camp.Int("id")}));
    HQ_RETURN_IF_ERROR(s.Exec(d::kCampaignTotals, {t.sent + t.deferred, std::string("{}"), camp.Int("id")}));
  }
  spdlog::info("push: archive {} ({}) eligible for {} items, {} before the change, {} new in {:.2f} ms",
               enterprise_id, source_key, m.eligible.size(), before.size(), fresh,
               MillisecondsSince(started));
  return core::Ok();
}

Result<bool> PushService::OnCampaignJob(Session& s, int64_t campaign_id) {
  auto& x = *impl_;
  HQ_ASSIGN_OR_RETURN(Campaign camp, x.CampaignOf(s, campaign_id));
  if (camp.status != "sending") return false;
  HQ_ASSIGN_OR_RETURN(ItemCtx c, x.LoadItem(camp.item_id));
  HQ_ASSIGN_OR_RETURN(auto rows, s.Query(d::kNextTargets, {campaign_id, int64_t{x.o.step}}));
  std::vector<std::string> texts;
  texts.reserve(rows.size());
  std::vector<Candidate> list;
  for (const auto& r : rows) {
    texts.push_back(r.Text("reason_text"));
    std::string recipient = r.Text("recipient");
    std::optional<int64_t> ent;
    if (recipient.rfind("e:", 0) == 0) ent = std::stoll(recipient.substr(2));
    list.push_back({recipient, ent, r.Text("reason"), &texts.back(), std::nullopt});
  }
  HQ_ASSIGN_OR_RETURN(Impl::Context ctx, x.LoadContext(s, c, list));
  Tally t;
  HQ_RETURN_IF_ERROR(x.Deliver(s, ctx, c, list, campaign_id, false, camp.message, t));
  for (const auto& k : list) HQ_RETURN_IF_ERROR(s.Exec(d::kTargetDone, {campaign_id, k.recipient}));
  HQ_RETURN_IF_ERROR(s.Exec(d::kCampaignProgress, {t.sent, t.deferred, t.skipped(), campaign_id}));
  bool more = static_cast<int>(rows.size()) == x.o.step;
  if (!more) {
    HQ_RETURN_IF_ERROR(
        CampaignMachine().Apply(s, "finish", campaign_id, "sending", d::kFinishCampaign, {x.Now()}));
    HQ_RETURN_IF_ERROR(audit::Record(s, x.d.clock, kSystem, "push.campaign.sent", "push_campaign",
                                     std::to_string(campaign_id), {{"status", "sending"}},
                                     {{"status", "sent"}}));
  }
  return more;
}

Result<int64_t> PushService::OnDigestJob(Session& s) {
  auto& x = *impl_;
  auto started = std::chrono::steady_clock::now();
  core::Date today = x.Today();
  std::string now = x.Now();
  // One pass over every deferred push, ordered by recipient; settings and accounts read
  // platform-wide when many recipients wait (a digest for a million), one by one when few.
  HQ_ASSIGN_OR_RETURN(auto pushes, s.Query(d::kAllDeferred));
  std::vector<std::pair<size_t, size_t>> groups;  // [begin, end) per recipient
  for (size_t i = 0; i < pushes.size(); ++i) {
    if (i == 0 || pushes[i].Text("recipient") != pushes[i - 1].Text("recipient")) groups.push_back({i, i});
    groups.back().second = i + 1;
  }
  bool bulk = groups.size() > x.o.bulk_context_from;
  std::unordered_map<std::string, Prefs> all_prefs;
  std::unordered_map<int64_t, std::vector<int64_t>> all_users;
  if (bulk) {
    HQ_ASSIGN_OR_RETURN(auto prefs, s.Query(d::kAllPrefs));
    for (const auto& r : prefs) all_prefs[r.Text("recipient")] = PrefsFrom(r);
    HQ_ASSIGN_OR_RETURN(auto users, s.Query(d::kReachable));
    for (const auto& r : users) all_users[r.Int("enterprise_id")].push_back(r.Int("user_id"));
  }
  int64_t told = 0, folded = 0;
  for (const auto& [begin, end] : groups) {
    std::string recipient = pushes[begin].Text("recipient");
    Prefs prefs;
    if (bulk) {
      auto it = all_prefs.find(recipient);
      if (it != all_prefs.end()) prefs = it->second;
    } else {
      HQ_ASSIGN_OR_RETURN(prefs, x.LoadPrefs(s, recipient));
    }
    if (prefs.rhythm == "weekly" && today.Weekday() != 1) continue;  // Mondays
    std::vector<int64_t> users;
    int64_t who = std::stoll(recipient.substr(2));
    if (recipient.rfind("e:", 0) == 0) {
      if (bulk) {
        auto it = all_users.find(who);
        if (it != all_users.end()) users = it->second;
      } else {
        HQ_ASSIGN_OR_RETURN(auto rows, s.Query(d::kReachableOne, {who}));
        for (const auto& u : rows) users.push_back(u.Int("user_id"));
      }
    } else {
      HQ_ASSIGN_OR_RETURN(auto u, s.QueryOptional(d::kActiveUser, {who}));
      if (u) users.push_back(u->Int("id"));
    }
    if (users.empty()) continue;
    notify::Notice n;
    n.kind = "push.digest";
    n.title = "政策推送摘要：" + std::to_string(end - begin) + " 项";
    n.body = "以下事项可能与贵单位相关（按您设定的推送节奏和上限汇总）：";
    for (size_t i = begin; i < end; ++i) {
      const store::Row& p = pushes[i];
      n.body += "\n" + std::to_string(i - begin + 1) + ".【" + std::string(ReasonLabel(p.Text("reason"))) +
                "】" + p.Text("item_name") + "：" + p.Text("reason_text") + "（" + x.o.base_url + "/items/" +
                std::to_string(p.Int("item_id")) + "?push=" + std::to_string(p.Int("id")) + "）";
    }
    n.body += "\n不想再收到此类推送？一键退订：" + x.UnsubscribeLink(recipient, "all");
    n.link = "/notices";
    n.entity = "push";
    n.entity_id = std::to_string(pushes[begin].Int("id"));
    std::optional<int64_t> first;
    for (int64_t u : users) {
      n.user_id = u;
      HQ_ASSIGN_OR_RETURN(int64_t id, x.d.notifier.Send(s, n, {}));
      if (!first) first = id;
    }
    for (size_t i = begin; i < end; ++i) {
      HQ_ASSIGN_OR_RETURN(int64_t changed, s.Exec(d::kDigested, {*first, now, pushes[i].Int("id")}));
      if (changed !=
          1) {  // digested by another run meanwhile: roll this digest back rather than send it twice
        return core::MakeError(core::ErrorKind::kConflict, "state_conflict", "推送已汇入其他摘要",
                               "push digested meanwhile", "status");
      }
    }
    ++told;
    folded += static_cast<int64_t>(end - begin);
  }
  spdlog::info("push: digest of {} pushes to {} recipients ({} with deferred pushes) in {:.1f} ms", folded,
               told, groups.size(), MillisecondsSince(started));
  core::Date next = today.AddDays(1);
  return core::UnixSeconds(core::ShanghaiMidnight(next)) + int64_t{x.o.digest_hour} * 3600 +
         int64_t{x.o.digest_minute} * 60;
}

Result<int64_t> PushService::FollowFrom() {
  auto& x = *impl_;
  HQ_ASSIGN_OR_RETURN(auto pos, x.d.db.ReadValue<std::optional<store::Row>>(
                                    [](Session& s) { return s.QueryOptional(d::kPosition); }));
  if (pos) {
    try {
      return static_cast<int64_t>(std::stoll(pos->Text("value")));
    } catch (...) {
    }
  }
  return audit::LatestChangeId(x.d.db);
}

Status PushService::ScheduleDigest() {
  auto& x = *impl_;
  core::Date today = x.Today();
  int64_t at = core::UnixSeconds(core::ShanghaiMidnight(today)) + int64_t{x.o.digest_hour} * 3600 +
               int64_t{x.o.digest_minute} * 60;
  if (at <= core::UnixSeconds(x.d.clock.Now())) at += 24 * 3600;
  return x.d.db.Write([&](Session& s) -> Status {
    HQ_RETURN_IF_ERROR(schedule::Scheduler::Schedule(s, x.d.clock, "push.digest", "push.digest", at));
    return core::Ok();
  });
}

}  // namespace huiqi::push
