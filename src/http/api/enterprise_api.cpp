#include "http/api/enterprise_api.h"

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "audit/audit_log.h"
#include "enterprise/attributes.h"
#include "enterprise/data_sources.h"
#include "http/api/handlers.h"
#include "http/api/match_json.h"
#include "http/api/paging.h"
#include "match/compiled_catalogue.h"
#include "match/item_matcher.h"
#include "policy/match_catalogue.h"
#include "policy/policy_json.h"

namespace huiqi::http {

using nlohmann::json;

namespace {

// The published items as the matcher needs them, rebuilt after the change log shows a policy
// or an item changed (through any node: a subscriber of the change-log follower), or when the
// day turned (windows close at midnight).
class Catalogue {
 public:
  struct Snapshot : policy::MatchCatalogue {
    core::Date day;
    // The items compiled once per snapshot: shared conditions evaluated once per enterprise.
    std::unique_ptr<match::CompiledCatalogue> compiled;
  };

  explicit Catalogue(const EnterpriseApiDeps& deps) : deps_(deps) {
    audit::ChangeFollower* follower = deps.follower;
    if (follower == nullptr) {
      own_ = std::make_unique<audit::ChangeFollower>(deps.db);
      follower = own_.get();
    }
    auto latest = audit::LatestChangeId(deps.db);
    follower->Subscribe("match-catalogue", {audit::Entity::kPolicy, audit::Entity::kItem},
                        latest.ok() ? *latest : 0,
                        [this](const std::vector<audit::Change>& changes, int64_t) -> core::Status {
                          if (!changes.empty()) stale_ = true;
                          return core::Ok();
                        });
  }

  core::Result<std::shared_ptr<const Snapshot>> Current() {
    if (own_) HQ_RETURN_IF_ERROR(own_->CatchUp());  // no background follower: look now
    core::Date today = core::ShanghaiDate(deps_.clock.Now());
    std::lock_guard lock(mu_);  // one rebuild at a time; rebuilds are rare
    bool stale = stale_.exchange(false) || !snapshot_ || snapshot_->day != today;
    if (!stale) return snapshot_;
    auto loaded = policy::LoadMatchCatalogue(deps_.policies, deps_.matches.schema(), today);
    if (!loaded.ok()) {
      stale_ = true;  // try again next time
      return loaded.error();
    }
    auto fresh = std::make_shared<Snapshot>();
    static_cast<policy::MatchCatalogue&>(*fresh) = std::move(*loaded);
    fresh->day = today;
    fresh->compiled = std::make_unique<match::CompiledCatalogue>(fresh->items, deps_.matches.schema(),
                                                                 rules::ReferenceNamer(deps_.reference));
    snapshot_ = fresh;
    return std::shared_ptr<const Snapshot>(fresh);
  }

 private:
  EnterpriseApiDeps deps_;
  std::unique_ptr<audit::ChangeFollower> own_;  // only without the server's follower
  std::atomic<bool> stale_{true};
  std::mutex mu_;  // guards snapshot_
  std::shared_ptr<const Snapshot> snapshot_;
};

Response JsonText(std::string body) {
  Response r;
  r.SetHeader("Content-Type", "application/json; charset=utf-8");
  r.body = std::move(body);
  return r;
}

core::Result<std::string> OwnUscc(const Request& req) {
  const auth::Principal& p = req.User();
  if (!p.uscc) return core::PermissionDenied("仅企业用户可用", "enterprise users only");
  return *p.uscc;
}

const Access kStaff = Access::DepartmentRoles(
    {auth::Role::kPolicyOfficer, auth::Role::kReviewer, auth::Role::kDepartmentAdmin});
const Access kEnterprise = Access::Kinds({auth::UserKind::kEnterprise});

void AddArchiveRoutes(Router& router, const EnterpriseApiDeps& d) {
  router.Add("GET", "/api/v1/me/enterprise", kEnterprise, [d](Request& req) {
    auto uscc = OwnUscc(req);
    if (!uscc.ok()) return Response::FromError(uscc.error());
    auto p = d.profiles.GetFor(req.User(), *uscc);
    if (!p.ok()) return Response::FromError(p.error());
    return Response::Ok(enterprise::ProfileJson(*p, d.profiles.schema(), core::ShanghaiDate(d.clock.Now())));
  });
  router.Add("GET", "/api/v1/me/enterprise/history", kEnterprise, [d](Request& req) {
    auto uscc = OwnUscc(req);
    if (!uscc.ok()) return Response::FromError(uscc.error());
    auto h = d.profiles.History(req.User(), *uscc);
    if (!h.ok()) return Response::FromError(h.error());
    json items = json::array();
    for (const auto& e : *h) items.push_back(enterprise::HistoryJson(e));
    return Response::Ok({{"items", items}});
  });
  router.Add("POST", "/api/v1/me/enterprise/corrections", kEnterprise, [d](Request& req) {
    return WithBody(req, [&](const json& body) {
      auto attr = body.find("attribute");
      if (attr == body.end() || !attr->is_string()) {
        return Response::FromError(
            core::InvalidArgument("attribute", "required", "请选择要更正的属性", "attribute is required"));
      }
      json value = body.contains("value") ? body["value"] : json();
      std::string note =
          body.contains("note") && body["note"].is_string() ? body["note"].get<std::string>() : "";
      auto c = d.profiles.ProposeCorrection(req.User(), attr->get<std::string>(), value, note);
      if (!c.ok()) return Response::FromError(c.error());
      return Response::Created(enterprise::CorrectionJson(*c));
    });
  });
  router.Add("GET", "/api/v1/me/enterprise/corrections", kEnterprise, [d](Request& req) {
    return Answer(d.profiles.ListCorrections(req.User(), req.Query("status")),
                  [](const auto& list) { return ItemsJson(list, enterprise::CorrectionJson); });
  });
  router.Add("GET", "/api/v1/enterprises/{uscc}", kStaff, [d](Request& req) {
    auto p = d.profiles.GetFor(req.User(), req.path_params["uscc"]);
    if (!p.ok()) return Response::FromError(p.error());
    return Response::Ok(enterprise::ProfileJson(*p, d.profiles.schema(), core::ShanghaiDate(d.clock.Now())));
  });
  auto reviewers = Access::DepartmentRoles({auth::Role::kReviewer, auth::Role::kDepartmentAdmin});
  router.Add("GET", "/api/v1/corrections", reviewers, [d](Request& req) {
    return Answer(d.profiles.ListCorrections(req.User(), req.Query("status")),
                  [](const auto& list) { return ItemsJson(list, enterprise::CorrectionJson); });
  });
  for (const char* verb : {"accept", "reject"}) {
    bool accept = std::string(verb) == "accept";
    router.Add("POST", std::string("/api/v1/corrections/{id}/") + verb, reviewers, [d, accept](Request& req) {
      auto id = req.PathId("id");
      if (!id.ok()) return Response::FromError(id.error());
      return WithBody(req, [&](const json& body) {
        std::string note =
            body.contains("note") && body["note"].is_string() ? body["note"].get<std::string>() : "";
        auto c = d.profiles.ResolveCorrection(req.User(), *id, accept, note);
        if (!c.ok()) return Response::FromError(c.error());
        return Response::Ok(enterprise::CorrectionJson(*c));
      });
    });
  }
  router.Add("POST", "/api/v1/admin/enterprises/import", Access::Admin(), [d](Request& req) {
    std::istringstream in(req.body);
    enterprise::ImportOptions opts;
    opts.skip_invalid = req.Query("skip_invalid") == "1" || req.Query("skip_invalid") == "true";
    auto report = d.profiles.ImportCsv(audit::Actor{req.User().user_id, req.User().login}, in, opts);
    if (!report.ok()) return Response::FromError(report.error());
    json body = enterprise::ImportReportJson(*report);
    if (!report->committed) {
      body = {{"error",
               {{"code", "import_invalid"},
                {"message", "有 " + std::to_string(report->invalid) +
                                " 行数据不合格，未导入任何数据；修正后重新导入，或选择跳过不合格行"},
                {"field", "file"}}},
              {"report", body}};
      return Response::Json(422, body);
    }
    return Response::Ok(body);
  });
}

json AttributeJson(const rules::AttributeDef& a, bool custom) {
  return {{"key", a.key},         {"label", a.label},           {"type", rules::AttrTypeCode(a.type)},
          {"unit", a.unit},       {"code_table", a.code_table}, {"enum_values", a.enum_values},
          {"aliases", a.aliases}, {"source", a.source},         {"derived", a.derived},
          {"custom", custom}};
}

void AddDataSourceRoutes(Router& router, const EnterpriseApiDeps& d) {
  auto staff = Access::Kinds({auth::UserKind::kDepartmentStaff, auth::UserKind::kPlatformAdmin});
  router.Add("GET", "/api/v1/admin/data-sources", staff, [d](Request&) {
    return Answer(enterprise::ListDataSourceOwners(d.db, d.profiles.schema()),
                  [](const std::vector<enterprise::DataSourceOwner>& list) {
                    return ItemsJson(list, [](const enterprise::DataSourceOwner& o) {
                      return json{{"source", o.source},
                                  {"department_id", o.department_id ? json(*o.department_id) : json()},
                                  {"department_code", o.department_code},
                                  {"department_name", o.department_name},
                                  {"attributes", o.attributes},
                                  {"updated_at", o.updated_at}};
                    });
                  });
  });
  router.Add("PUT", "/api/v1/admin/data-sources", Access::Admin(), [d](Request& req) {
    return WithBody(req, [&](const json& body) {
      auto str = [&](const char* k) {
        return body.contains(k) && body[k].is_string() ? body[k].get<std::string>() : "";
      };
      auto st = enterprise::SetDataSourceOwner(d.db, d.clock, {req.User().user_id, req.User().login},
                                               str("source"), str("department"));
      if (!st.ok()) return Response::FromError(st.error());
      return Response::Ok({{"source", str("source")}, {"department", str("department")}});
    });
  });
}

void AddAttributeRoutes(Router& router, const EnterpriseApiDeps& d) {
  // The schema this node's rules use (built-in and registered at start) and, separately, every
  // registered attribute — one added since the start is marked active: false until a restart.
  router.Add("GET", "/api/v1/attributes", Access::Public(), [d](Request&) {
    auto custom = enterprise::ListCustomAttributes(d.db);
    if (!custom.ok()) return Response::FromError(custom.error());
    json items = json::array();
    for (const auto& a : d.profiles.schema().attributes()) {
      bool is_custom =
          std::any_of(custom->begin(), custom->end(), [&](const auto& c) { return c.def.key == a.key; });
      json j = AttributeJson(a, is_custom);
      j["active"] = true;
      items.push_back(j);
    }
    for (const auto& c : *custom) {
      if (d.profiles.schema().Find(c.def.key)) continue;
      json j = AttributeJson(c.def, true);
      j["active"] = false;
      j["as_of"] = c.as_of ? json(c.as_of->ToString()) : json();
      items.push_back(j);
    }
    return Response::Ok({{"items", items}});
  });
  router.Add("POST", "/api/v1/admin/attributes", Access::Admin(), [d](Request& req) {
    return WithBody(req, [&](const json& body) {
      rules::AttributeDef def;
      auto str = [&](const char* k) {
        return body.contains(k) && body[k].is_string() ? body[k].get<std::string>() : "";
      };
      def.key = str("key");
      def.label = str("label");
      def.unit = str("unit");
      def.source = str("source");
      auto type = rules::ParseAttrType(str("type"));
      if (!type.ok()) {
        return Response::FromError(
            core::InvalidArgument("type", "invalid_type", "属性类型无效", "invalid type"));
      }
      def.type = *type;
      try {
        if (body.contains("enum_values"))
          def.enum_values = body["enum_values"].get<std::vector<std::string>>();
        if (body.contains("aliases")) def.aliases = body["aliases"].get<std::vector<std::string>>();
      } catch (const json::exception&) {
        return Response::FromError(core::InvalidArgument("enum_values", "invalid",
                                                         "enum_values 和 aliases 应为字符串数组",
                                                         "enum_values and aliases must be string arrays"));
      }
      std::optional<core::Date> as_of;
      if (std::string t = str("as_of"); !t.empty()) {
        auto dt = core::Date::Parse(t, "as_of");
        if (!dt.ok()) return Response::FromError(dt.error());
        as_of = *dt;
      }
      auto added = enterprise::AddAttribute(d.db, d.clock, req.User(), def, as_of);
      if (!added.ok()) return Response::FromError(added.error());
      // The change-log follower may have added it already (woken by NOTIFY right after the commit).
      bool active = d.live_schema &&
                    (d.live_schema->Add(added->def).ok() || d.live_schema->Find(added->def.key) != nullptr);
      json j = AttributeJson(added->def, true);
      j["active"] = active;
      j["note"] = active ? "属性已登记：可导入数据，并可在匹配规则中使用"
                         : "属性已登记，可立即导入数据；服务加载后可用于匹配规则";
      return Response::Created(j);
    });
  });
}

void AddMatchRoutes(Router& router, const EnterpriseApiDeps& d, std::shared_ptr<Catalogue> catalogue) {
  router.Add("GET", "/api/v1/me/matches", kEnterprise, [d, catalogue](Request& req) {
    auto uscc = OwnUscc(req);
    if (!uscc.ok()) return Response::FromError(uscc.error());
    auto p = d.profiles.GetFor(req.User(), *uscc);
    if (!p.ok()) return Response::FromError(p.error());
    auto snap = catalogue->Current();
    if (!snap.ok()) return Response::FromError(snap.error());
    match::EnterpriseMatch m =
        match::MatchEnterprise(*(*snap)->compiled, p->facts, core::ShanghaiDate(d.clock.Now()));
    return JsonText(MatchesText(m, p->uscc, p->name, **snap, d.matches.schema()));
  });
  router.Add("GET", "/api/v1/items/{id}/selftest", kEnterprise, [d, catalogue](Request& req) {
    auto id = req.PathId("id");
    if (!id.ok()) return Response::FromError(id.error());
    auto uscc = OwnUscc(req);
    if (!uscc.ok()) return Response::FromError(uscc.error());
    auto p = d.profiles.GetFor(req.User(), *uscc);
    if (!p.ok()) return Response::FromError(p.error());
    auto snap = catalogue->Current();
    if (!snap.ok()) return Response::FromError(snap.error());
    auto at = (*snap)->index.find(*id);
    if (at == (*snap)->index.end()) {
      return Response::FromError(
          core::NotFound("可自测的事项（未发布、已截止或面向个人）", "a matchable item"));
    }
    const auto& item = (*snap)->items[at->second];
    match::ItemVerdict v =
        match::SelfTest(item, d.matches.schema(), p->facts, core::ShanghaiDate(d.clock.Now()),
                        rules::ReferenceNamer(d.reference));
    return JsonText(VerdictText(v, **snap, d.matches.schema()));
  });
  router.Add("GET", "/api/v1/items/{id}/eligible-count", kStaff, [d](Request& req) {
    auto id = req.PathId("id");
    if (!id.ok()) return Response::FromError(id.error());
    auto item = d.policies.GetItem(req.principal, *id);
    if (!item.ok()) return Response::FromError(item.error());
    if (item->rule_text.empty()) {
      return Response::FromError(core::MakeError(core::ErrorKind::kFailedPrecondition, "no_rule",
                                                 "该事项尚未填写匹配规则", "the item has no rule", "rule"));
    }
    auto rule = rules::Parse(item->rule_text, d.matches.schema());
    if (!rule.ok()) return Response::FromError(rule.error());
    match::Simulation sim = d.matches.Simulate(*rule, core::ShanghaiDate(d.clock.Now()));
    return Response::Ok({{"item_id", item->id},
                         {"eligible", sim.counts.eligible},
                         {"unknown", sim.counts.unknown},
                         {"total", sim.counts.total}});
  });
}

}  // namespace

void RegisterEnterpriseApi(Router& router, const EnterpriseApiDeps& deps) {
  auto catalogue = std::make_shared<Catalogue>(deps);
  AddArchiveRoutes(router, deps);
  AddAttributeRoutes(router, deps);
  AddDataSourceRoutes(router, deps);
  AddMatchRoutes(router, deps, catalogue);
}

}  // namespace huiqi::http
