#include "http/api/enterprise_api.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "audit/audit_log.h"
#include "enterprise/attributes.h"
#include "enterprise/data_sources.h"
#include "enterprise/scale.h"
#include "enterprise/units.h"
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

// Marks the trace rows that rest on figures the enterprise declared itself (企业自报), each
// verdict that uses one, and lists them at the top: shown as such, trusted less (issue 12 item
// 6). Only an enterprise with declared figures pays for the second pass over the JSON.
void MarkVerdict(json& v, const std::set<std::string>& declared) {
  bool any = false;
  for (auto& row : v["trace"]) {
    if (row.contains("attribute") && row["attribute"].is_string() &&
        declared.count(row["attribute"].get<std::string>())) {
      row["self_declared"] = true;
      any = true;
    }
  }
  v["self_declared"] = any;
}

std::string MarkSelfDeclared(std::string text, const enterprise::Profile& p) {
  if (p.self_declared.empty()) return text;
  json j = json::parse(text);
  if (j.contains("trace")) {
    MarkVerdict(j, p.self_declared);
  } else {
    for (const char* list : {"eligible", "near_misses", "unknown", "pending_review", "for_staff"}) {
      if (!j.contains(list)) continue;
      for (auto& v : j[list]) MarkVerdict(v, p.self_declared);
    }
  }
  j["self_declared"] = p.self_declared;
  return j.dump();
}

// The figures an anonymous visitor types to test one item (issue 12 item 6): the attributes its
// rule reads (age from the founding date, scale from its indicators) and the tags it asks for.
void CollectInputs(const rules::Node& n, std::vector<std::string>& attrs, std::vector<std::string>& tags) {
  auto add = [](std::vector<std::string>& list, const std::string& v) {
    if (!v.empty() && std::find(list.begin(), list.end(), v) == list.end()) list.push_back(v);
  };
  if (n.kind == rules::NodeKind::kHas) {
    add(tags, n.text);
  } else if (n.IsLeaf() && n.attr == "age") {
    add(attrs, "established_on");
  } else if (n.IsLeaf() && n.attr == "scale") {
    for (const char* k : {"industry", "employees", "revenue", "total_assets"}) add(attrs, k);
  } else if (n.IsLeaf()) {
    add(attrs, n.attr);
  }
  for (const auto& c : n.children) CollectInputs(c, attrs, tags);
}

// The typed values as facts; nothing is stored. Errors name "values.<key>".
core::Result<rules::Facts> TypedFacts(const json& body, const rules::Schema& schema,
                                      const core::ReferenceData* reference) {
  rules::Facts facts;
  auto values = body.find("values");
  if (values != body.end() && !values->is_array()) {
    return core::InvalidArgument("values", "invalid_value", "values 应为列表", "values must be a list");
  }
  if (values != body.end() && values->size() > 64) {
    return core::InvalidArgument("values", "invalid_value", "最多填写 64 项", "too many values");
  }
  for (const auto& v : values == body.end() ? json::array() : *values) {
    std::string key = v.is_object() ? Str(v, "attribute") : "";
    const rules::AttributeDef* a = schema.Find(key);
    if (!a || a->derived || a->type == rules::AttrType::kTagSet) {
      return core::InvalidArgument("values", "invalid_value", "“" + key + "”不是可自测的数据",
                                   "unknown attribute");
    }
    std::string field = "values." + a->key, unit = Str(v, "unit");
    json value = v.value("value", json());
    if (value.is_null() || (value.is_string() && value.get<std::string>().empty())) continue;
    if (unit.empty() || enterprise::UnitsFor(*a).empty()) {
      HQ_RETURN_IF_ERROR(enterprise::SetFact(facts, *a, value, reference, field));
    } else {
      std::string text = value.is_string() ? value.get<std::string>() : value.dump();
      auto n = enterprise::ParseInUnit(*a, text, unit, field);
      if (!n.ok()) {
        core::Error e = n.error();
        e.field = field;
        return e;
      }
      facts.numbers[a->key] = *n;
    }
  }
  facts.tags_known = true;
  if (auto tags = body.find("tags"); tags != body.end() && tags->is_array()) {
    for (const auto& t : *tags) {
      if (t.is_string() && !t.get<std::string>().empty()) facts.tags[t.get<std::string>()] = std::nullopt;
    }
  }
  enterprise::ScaleInputs in;
  if (auto it = facts.texts.find("industry"); it != facts.texts.end()) in.industry = it->second;
  auto num = [&](const char* k) {
    auto it = facts.numbers.find(k);
    return it == facts.numbers.end() ? std::nullopt : std::optional<int64_t>(it->second);
  };
  in.employees = num("employees");
  in.revenue_fen = num("revenue");
  in.assets_fen = num("total_assets");
  if (auto scale = enterprise::ClassifyScale(in))
    facts.texts["scale"] = std::string(enterprise::ScaleLabel(*scale));
  return facts;
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
      enterprise::CorrectionRequest cr{.attribute = attr->get<std::string>(),
                                       .value = body.contains("value") ? body["value"] : json(),
                                       .unit = Str(body, "unit"),
                                       .note = Str(body, "note"),
                                       .confirm_large_change = body.value("confirm", false)};
      // A figure with a unit is typed in a unit the form names (issue 12 item 5).
      const rules::AttributeDef* a = d.profiles.schema().Find(cr.attribute);
      if (a && cr.unit.empty() && enterprise::UnitsFor(*a).size() > 1) {
        return Response::FromError(core::InvalidArgument("unit", "required", "请选择" + a->label + "的单位",
                                                         "unit is required for " + a->key));
      }
      auto c = d.profiles.ProposeCorrection(req.User(), cr);
      if (!c.ok()) return Response::FromError(c.error());
      return Response::Created(enterprise::CorrectionJson(*c));
    });
  });
  // Figures a new enterprise declares itself (企业自报) until the departments' data arrives.
  router.Add("POST", "/api/v1/me/enterprise/declaration", kEnterprise, [d](Request& req) {
    return WithBody(req, [&](const json& body) {
      auto values = body.find("values");
      if (values == body.end() || !values->is_array()) {
        return Response::FromError(
            core::InvalidArgument("values", "required", "请填写要自报的数据", "values must be a list"));
      }
      std::vector<enterprise::DeclaredValue> list;
      for (const auto& v : *values) {
        if (!v.is_object() || !v.contains("attribute") || !v["attribute"].is_string()) {
          return Response::FromError(core::InvalidArgument("values", "invalid_value", "每项数据应写明属性",
                                                           "each value needs an attribute"));
        }
        list.push_back({v["attribute"].get<std::string>(), v.value("value", json()), Str(v, "unit")});
      }
      auto p = d.profiles.Declare(req.User(), Str(body, "name"), list);
      if (!p.ok()) return Response::FromError(p.error());
      return Response::Ok(
          enterprise::ProfileJson(*p, d.profiles.schema(), core::ShanghaiDate(d.clock.Now())));
    });
  });
  router.Add("GET", "/api/v1/me/enterprise/corrections", kEnterprise, [d](Request& req) {
    return Answer(d.profiles.ListCorrections(req.User(), req.Query("status")),
                  [](const auto& list) { return ItemsJson(list, enterprise::CorrectionJson); });
  });
  router.Add("GET", "/api/v1/enterprises/{uscc}", kStaff.On("enterprise"), [d](Request& req) {
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
    router.Add("POST", std::string("/api/v1/corrections/{id}/") + verb, reviewers.Owned("correction"),
               [d, accept](Request& req) {
                 auto id = req.PathId("id");
                 if (!id.ok()) return Response::FromError(id.error());
                 return WithBody(req, [&](const json& body) {
                   std::string note = body.contains("note") && body["note"].is_string()
                                          ? body["note"].get<std::string>()
                                          : "";
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
  return {{"key", a.key},
          {"label", a.label},
          {"type", rules::AttrTypeCode(a.type)},
          {"unit", a.unit},
          {"code_table", a.code_table},
          {"enum_values", a.enum_values},
          {"aliases", a.aliases},
          {"source", a.source},
          {"derived", a.derived},
          {"custom", custom},
          {"units", enterprise::UnitsFor(a)}};
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

// The item `id` as the matcher sees it: published, its policy published, its window not closed.
core::Result<const match::CatalogueItem*> Matchable(const policy::MatchCatalogue& catalogue, int64_t id) {
  auto at = catalogue.index.find(id);
  if (at == catalogue.index.end()) {
    return core::NotFound("可自测的事项（未发布或已截止）", "a matchable item");
  }
  return &catalogue.items[at->second];
}

void AddMatchRoutes(Router& router, const EnterpriseApiDeps& d, std::shared_ptr<Catalogue> catalogue) {
  router.Add("GET", "/api/v1/me/matches", kEnterprise, [d, catalogue](Request& req) {
    auto uscc = OwnUscc(req);
    if (!uscc.ok()) return Response::FromError(uscc.error());
    auto p = d.profiles.GetFor(req.User(), *uscc);
    if (!p.ok()) return Response::FromError(p.error());
    auto snap = catalogue->Current();
    if (!snap.ok()) return Response::FromError(snap.error());
    core::Date today = core::ShanghaiDate(d.clock.Now());
    match::EnterpriseMatch m = match::MatchEnterprise(*(*snap)->compiled, p->facts, today);
    std::string text = MatchesText(m, p->uscc, p->name, **snap, d.matches.schema(), p->facts, today,
                                   rules::ReferenceNamer(d.reference));
    return JsonText(MarkSelfDeclared(text, *p));
  });
  router.Add("GET", "/api/v1/items/{id}/selftest", kEnterprise.On("item"), [d, catalogue](Request& req) {
    auto id = req.PathId("id");
    if (!id.ok()) return Response::FromError(id.error());
    auto uscc = OwnUscc(req);
    if (!uscc.ok()) return Response::FromError(uscc.error());
    auto p = d.profiles.GetFor(req.User(), *uscc);
    if (!p.ok()) return Response::FromError(p.error());
    auto snap = catalogue->Current();
    if (!snap.ok()) return Response::FromError(snap.error());
    auto found = Matchable(**snap, *id);
    if (!found.ok()) return Response::FromError(found.error());
    const auto& item = **found;
    core::Date today = core::ShanghaiDate(d.clock.Now());
    rules::CodeNamer namer = rules::ReferenceNamer(d.reference);
    match::ItemVerdict v = match::SelfTest(item, d.matches.schema(), p->facts, today, namer);
    return JsonText(MarkSelfDeclared(VerdictText(v, **snap, d.matches.schema(), p->facts, today, namer), *p));
  });
  // Anonymous 自测: what the item's rule needs, then a verdict on the typed values (nothing stored).
  router.Add("GET", "/api/v1/items/{id}/selftest/fields", Access::Public().On("item"),
             [d, catalogue](Request& req) {
               auto id = req.PathId("id");
               if (!id.ok()) return Response::FromError(id.error());
               auto snap = catalogue->Current();
               if (!snap.ok()) return Response::FromError(snap.error());
               auto found = Matchable(**snap, *id);
               if (!found.ok()) return Response::FromError(found.error());
               const auto& item = **found;
               std::vector<std::string> attrs, tags;
               if (item.rule) CollectInputs(*item.rule, attrs, tags);
               json fields = json::array();
               for (const auto& key : attrs) {
                 if (const rules::AttributeDef* a = d.matches.schema().Find(key))
                   fields.push_back(AttributeJson(*a, false));
               }
               return Response::Ok({{"item", {{"id", item.id}, {"name", item.name}}},
                                    {"has_rule", item.rule.has_value()},
                                    {"fields", fields},
                                    {"tags", tags}});
             });
  router.Add("POST", "/api/v1/items/{id}/selftest", Access::Public().On("item"),
             [d, catalogue](Request& req) {
               auto id = req.PathId("id");
               if (!id.ok()) return Response::FromError(id.error());
               return WithBody(req, [&](const json& body) {
                 auto snap = catalogue->Current();
                 if (!snap.ok()) return Response::FromError(snap.error());
                 auto found = Matchable(**snap, *id);
                 if (!found.ok()) return Response::FromError(found.error());
                 auto facts = TypedFacts(body, d.matches.schema(), &d.reference);
                 if (!facts.ok()) return Response::FromError(facts.error());
                 match::ItemVerdict v =
                     match::SelfTest(**found, d.matches.schema(), *facts, core::ShanghaiDate(d.clock.Now()),
                                     rules::ReferenceNamer(d.reference));
                 return JsonText(VerdictText(v, **snap, d.matches.schema()));
               });
             });
  router.Add("GET", "/api/v1/items/{id}/eligible-count", kStaff.On("item"), [d](Request& req) {
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
  // A correction is the enterprise's that asked and the department's owning the data source.
  router.SetOwnerCheck("correction",
                       [&profiles = deps.profiles](const auth::Principal& p, int64_t id) -> core::Status {
                         if (p.Is(auth::UserKind::kPlatformAdmin)) return core::Ok();
                         auto visible = profiles.ListCorrections(p, "");
                         if (!visible.ok()) return visible.error();
                         for (const auto& c : *visible) {
                           if (c.id == id) return core::Ok();
                         }
                         return core::NotFound("更正申请", "correction");
                       });
  AddArchiveRoutes(router, deps);
  AddAttributeRoutes(router, deps);
  AddDataSourceRoutes(router, deps);
  AddMatchRoutes(router, deps, catalogue);
}

}  // namespace huiqi::http
