#include "http/api/push_api.h"

#include <nlohmann/json.hpp>

#include "http/api/handlers.h"
#include "http/api/paging.h"

namespace huiqi::http {

using nlohmann::json;
using push::PushService;

namespace {

const Access kRecipients = Access::Kinds({auth::UserKind::kEnterprise, auth::UserKind::kIndividual});
const Access kDeptStaff = Access::DepartmentRoles(
    {auth::Role::kPolicyOfficer, auth::Role::kReviewer, auth::Role::kDepartmentAdmin});
const Access kOfficers = Access::DepartmentRoles({auth::Role::kPolicyOfficer, auth::Role::kDepartmentAdmin});
const Access kReviewers = Access::DepartmentRoles({auth::Role::kReviewer, auth::Role::kDepartmentAdmin});

json SubscriptionJson(const push::Subscription& s) {
  return {{"id", s.id},
          {"kind", s.kind},
          {"kind_label", push::SubscriptionKindLabel(s.kind)},
          {"value", s.value},
          {"label", s.label},
          {"active", s.active},
          {"created_at", s.created_at}};
}

json CodeLabels(std::initializer_list<const char*> codes, std::string_view (*label)(std::string_view)) {
  json out = json::array();
  for (const char* c : codes) out.push_back({{"code", c}, {"label", label(c)}});
  return out;
}

std::string_view RhythmLabel(std::string_view r) {
  return r == "daily" ? "每日摘要" : r == "weekly" ? "每周摘要" : "即时推送";
}

json SettingsJson(const push::Settings& s, const push::PushOptions& o) {
  json subs = json::array();
  for (const auto& x : s.subscriptions) subs.push_back(SubscriptionJson(x));
  return {{"auto_push", s.auto_push},
          {"rhythm", s.rhythm},
          {"daily_cap", s.daily_cap ? json(*s.daily_cap) : json()},
          {"weekly_cap", s.weekly_cap ? json(*s.weekly_cap) : json()},
          {"max_daily_cap", o.daily_cap},
          {"max_weekly_cap", o.weekly_cap},
          {"quiet_start", s.quiet_start},
          {"quiet_end", s.quiet_end},
          {"sms", s.sms},
          {"webhook_url", s.webhook_url},
          {"subscriptions", subs},
          {"kinds", CodeLabels({"tag", "type", "level", "department", "region", "keyword", "qualify"},
                               push::SubscriptionKindLabel)},
          {"rhythms", CodeLabels({"immediate", "daily", "weekly"}, RhythmLabel)}};
}

std::string_view PushStatusLabel(std::string_view s) {
  return s == "sent" ? "已推送" : s == "deferred" ? "待摘要" : s == "digested" ? "已汇入摘要" : "未知";
}

json PushJson(const push::Push& p, const std::string& token) {
  std::string link = "/items/" + std::to_string(p.item_id) + "?push=" + std::to_string(p.id);
  return {{"id", p.id},
          {"item_id", p.item_id},
          {"item_name", p.item_name},
          {"department", p.department},
          {"reason", p.reason},
          {"reason_label", push::ReasonLabel(p.reason)},
          {"reason_text", p.reason_text},
          {"status", p.status},
          {"status_label", PushStatusLabel(p.status)},
          {"notice_id", OptInt(p.notice_id)},
          {"campaign_id", OptInt(p.campaign_id)},
          {"link", link},
          {"apply_link", p.item_open ? json(link + "#apply") : json()},
          {"feedback", p.feedback},
          {"feedback_reason", p.feedback_reason},
          {"clicked_at", p.clicked_at ? json(*p.clicked_at) : json()},
          {"created_at", p.created_at},
          {"unsubscribe_token", token}};
}

std::string_view TargetLabel(std::string_view t) {
  if (t == "publish") return "事项发布自动推送";
  if (t == "window") return "申报开始自动推送";
  if (t == "archive") return "档案变化自动推送";
  if (t == "eligible") return "本事项符合条件企业";
  if (t == "rule") return "按规则";
  if (t == "list") return "上传名单";
  return "";
}

json CampaignJson(const push::Campaign& c) {
  json j = {{"id", c.id},
            {"kind", c.kind},
            {"kind_label", c.kind == "auto" ? "自动推送" : "部门推送"},
            {"item_id", c.item_id},
            {"item_name", c.item_name},
            {"department_id", c.department_id},
            {"target", c.target},
            {"target_label", TargetLabel(c.target)},
            {"rule_text", c.rule_text},
            {"message", c.message},
            {"status", c.status},
            {"status_label", push::CampaignStatusLabel(c.status)},
            {"total", c.total},
            {"sent", c.sent},
            {"deferred", c.deferred},
            {"skipped", c.skipped},
            {"breakdown", c.breakdown},
            {"needs_approval", c.needs_approval},
            {"note", c.note},
            {"created_by", OptInt(c.created_by)},
            {"approved_by", OptInt(c.approved_by)},
            {"created_at", c.created_at},
            {"submitted_at", c.submitted_at ? json(*c.submitted_at) : json()},
            {"approved_at", c.approved_at ? json(*c.approved_at) : json()},
            {"finished_at", c.finished_at ? json(*c.finished_at) : json()}};
  if (!c.preview_title.empty()) j["preview"] = {{"title", c.preview_title}, {"body", c.preview_body}};
  return j;
}

//! An optional integer member that may be null; anything else is an error naming it.
core::Result<std::optional<int>> OptCap(const json& body, const char* key) {
  auto v = OptIntIn(body, key);
  if (!v.ok()) return v.error();
  if (!*v) return std::optional<int>{};
  return std::optional<int>{static_cast<int>(std::clamp<int64_t>(**v, -1, 1000000))};
}

core::Result<bool> BoolIn(const json& body, const char* key, bool fallback) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) {
    return core::InvalidArgument(key, "invalid_type", std::string(key) + " 应为 true 或 false",
                                 std::string(key) + " must be a boolean");
  }
  return it->get<bool>();
}

void AddRecipientRoutes(Router& router, PushService& svc, const push::PushOptions& options) {
  router.Add("GET", "/api/v1/me/push-settings", kRecipients, [&svc, options](Request& req) {
    return Answer(svc.GetSettings(req.User()),
                  [&](const push::Settings& s) { return SettingsJson(s, options); });
  });
  router.Add("PUT", "/api/v1/me/push-settings", kRecipients, [&svc, options](Request& req) {
    return WithBody(req, [&](const json& body) {
      push::Settings s;
      auto auto_push = BoolIn(body, "auto_push", true);
      if (!auto_push.ok()) return Response::FromError(auto_push.error());
      auto sms = BoolIn(body, "sms", false);
      if (!sms.ok()) return Response::FromError(sms.error());
      auto daily = OptCap(body, "daily_cap");
      if (!daily.ok()) return Response::FromError(daily.error());
      auto weekly = OptCap(body, "weekly_cap");
      if (!weekly.ok()) return Response::FromError(weekly.error());
      s.auto_push = *auto_push;
      s.sms = *sms;
      s.daily_cap = *daily;
      s.weekly_cap = *weekly;
      s.rhythm = body.contains("rhythm") ? Str(body, "rhythm") : "immediate";
      s.quiet_start = Str(body, "quiet_start");
      s.quiet_end = Str(body, "quiet_end");
      s.webhook_url = Str(body, "webhook_url");
      return Answer(svc.SaveSettings(req.User(), s),
                    [&](const push::Settings& r) { return SettingsJson(r, options); });
    });
  });
  router.Add("POST", "/api/v1/me/subscriptions", kRecipients, [&svc](Request& req) {
    return WithBody(req, [&](const json& body) {
      return Answer(svc.Subscribe(req.User(), Str(body, "kind"), Str(body, "value")), SubscriptionJson, 201);
    });
  });
  router.Add("DELETE", "/api/v1/me/subscriptions/{id}", kRecipients.Owned("subscription"),
             [&svc](Request& req) {
               return WithId(req, [&](int64_t id) {
                 auto st = svc.Unsubscribe(req.User(), id);
                 if (!st.ok()) return Response::FromError(st.error());
                 return Response::Ok({{"ok", true}});
               });
             });
  router.Add("GET", "/api/v1/me/pushes", kRecipients, [&svc](Request& req) {
    auto paging = ParsePaging(req);
    if (!paging.ok()) return Response::FromError(paging.error());
    int64_t total = 0;
    auto list = svc.MyPushes(req.User(), paging->page, paging->page_size, &total);
    if (!list.ok()) return Response::FromError(list.error());
    json items = json::array();
    for (const auto& p : *list) items.push_back(PushJson(p, svc.UnsubscribeToken(p.recipient, "all")));
    return Response::Ok(PageJson(items, total, *paging));
  });
  router.Add("POST", "/api/v1/me/pushes/{id}/irrelevant", kRecipients.Owned("push"), [&svc](Request& req) {
    return WithId(req, [&](int64_t id) {
      return WithBody(req, [&](const json& body) {
        return Answer(svc.MarkIrrelevant(req.User(), id, Str(body, "reason")), [&](const push::Push& p) {
          return PushJson(p, svc.UnsubscribeToken(p.recipient, "all"));
        });
      });
    });
  });
  router.Add("POST", "/api/v1/me/pushes/{id}/click", kRecipients.Owned("push"), [&svc](Request& req) {
    return WithId(req, [&](int64_t id) {
      auto st = svc.MarkClicked(req.User(), id);
      if (!st.ok()) return Response::FromError(st.error());
      return Response::Ok({{"ok", true}});
    });
  });
  // The one-click link of every push notice: no login, the token is signed.
  router.Add("POST", "/api/v1/push/unsubscribe", Access::Public(), [&svc](Request& req) {
    return WithBody(req, [&](const json& body) {
      std::string token = Str(body, "token");
      if (token.empty()) {
        return Response::FromError(
            core::InvalidArgument("token", "required", "退订链接缺少凭据", "token is required"));
      }
      return Answer(svc.UnsubscribeByToken(token), [&](const std::string& label) {
        return json{{"scope", token.find("~all~") != std::string::npos ? "all" : "subscription"},
                    {"label", label}};
      });
    });
  });
}

void AddDepartmentRoutes(Router& router, PushService& svc) {
  router.Add("POST", "/api/v1/dept/push-campaigns", kOfficers, [&svc](Request& req) {
    return WithBody(req, [&](const json& body) {
      auto item = IdIn(body, "item_id");
      if (!item.ok()) return Response::FromError(item.error());
      push::NewCampaign c;
      c.item_id = *item;
      c.target = Str(body, "target");
      c.rule_text = Str(body, "rule_text");
      c.message = Str(body, "message");
      if (auto it = body.find("usccs"); it != body.end() && !it->is_null()) {
        if (!it->is_array()) {
          return Response::FromError(core::InvalidArgument(
              "usccs", "invalid_type", "usccs 应为统一社会信用代码的数组", "usccs: array"));
        }
        for (const auto& u : *it) {
          if (!u.is_string()) {
            return Response::FromError(core::InvalidArgument(
                "usccs", "invalid_type", "名单每一行应为统一社会信用代码", "usccs: strings"));
          }
          std::string line = u.get<std::string>();
          if (!line.empty()) c.usccs.push_back(line);
        }
      }
      return Answer(svc.Draft(req.User(), c), CampaignJson, 201);
    });
  });
  router.Add("GET", "/api/v1/dept/push-campaigns", kDeptStaff, [&svc](Request& req) {
    auto paging = ParsePaging(req);
    if (!paging.ok()) return Response::FromError(paging.error());
    int64_t total = 0;
    auto list = svc.List(req.User(), paging->page, paging->page_size, &total);
    if (!list.ok()) return Response::FromError(list.error());
    json items = json::array();
    for (const auto& c : *list) items.push_back(CampaignJson(c));
    return Response::Ok(PageJson(items, total, *paging));
  });
  router.Add("GET", "/api/v1/dept/push-campaigns/{id}", kDeptStaff.Owned("campaign"), [&svc](Request& req) {
    return WithId(req, [&](int64_t id) { return Answer(svc.Get(req.User(), id), CampaignJson); });
  });
  router.Add(
      "POST", "/api/v1/dept/push-campaigns/{id}/submit", kOfficers.Owned("campaign"), [&svc](Request& req) {
        return WithId(req, [&](int64_t id) { return Answer(svc.Submit(req.User(), id), CampaignJson); });
      });
  router.Add(
      "POST", "/api/v1/dept/push-campaigns/{id}/approve", kReviewers.Owned("campaign"), [&svc](Request& req) {
        return WithId(req, [&](int64_t id) { return Answer(svc.Approve(req.User(), id), CampaignJson); });
      });
  router.Add("POST", "/api/v1/dept/push-campaigns/{id}/reject", kReviewers.Owned("campaign"),
             [&svc](Request& req) {
               return WithId(req, [&](int64_t id) {
                 return WithBody(req, [&](const json& body) {
                   return Answer(svc.Reject(req.User(), id, Str(body, "reason")), CampaignJson);
                 });
               });
             });
  router.Add("GET", "/api/v1/dept/push-stats",
             Access::Kinds({auth::UserKind::kDepartmentStaff, auth::UserKind::kPlatformAdmin}),
             [&svc](Request& req) {
               std::string by = req.Query("by").empty() ? "campaign" : req.Query("by");
               return Answer(svc.Stats(req.User(), by), [](const std::vector<push::StatRow>& rows) {
                 json out = json::array();
                 for (const auto& r : rows) {
                   out.push_back({{"key", r.key},
                                  {"label", r.label},
                                  {"delivered", r.delivered},
                                  {"opened", r.opened},
                                  {"clicked", r.clicked},
                                  {"applied", r.applied}});
                 }
                 return json{{"rows", out}};
               });
             });
}

}  // namespace

void RegisterPushApi(Router& router, PushService& service) {
  router.SetOwnerCheck(
      "campaign", VisibleTo([&service](const auth::Principal& p, int64_t id) { return service.Get(p, id); }));
  AddRecipientRoutes(router, service, service.options());
  AddDepartmentRoutes(router, service);
}

}  // namespace huiqi::http
