#include "http/api/policy_api.h"

#include <nlohmann/json.hpp>

#include "http/api/handlers.h"
#include "http/api/paging.h"
#include "policy/policy_json.h"
#include "rules/amount.h"
#include "rules/rule.h"

namespace huiqi::http {

using nlohmann::json;
using policy::PolicyService;

namespace {

core::Result<policy::ListFilter> FilterFrom(const Request& req) {
  HQ_ASSIGN_OR_RETURN(Paging paging, ParsePaging(req));
  policy::ListFilter f;
  f.page = paging.page;
  f.page_size = paging.page_size;
  f.q = req.Query("q");
  f.level = req.Query("level");
  f.type = req.Query("type");
  f.department = req.Query("department");
  f.tag = req.Query("tag");
  f.region = req.Query("region");
  if (f.q.size() > 200)
    return core::InvalidArgument("q", "too_long", "搜索词不能超过 200 字节", "q is too long");
  if (!f.level.empty()) HQ_RETURN_IF_ERROR(policy::ParseLevel(f.level));
  if (std::string period = req.Query("period"); !period.empty()) {
    HQ_ASSIGN_OR_RETURN(f.period, policy::ParsePeriod(period));
  }
  return f;
}

json PageOf(const json& items, int64_t total, const policy::ListFilter& f) {
  return {{"items", items}, {"total", total}, {"page", f.page}, {"page_size", f.page_size}};
}

// A reason and a date from the body: {reason} / {repealed_on, reason}.
std::string Reason(const json& body) {
  auto it = body.find("reason");
  return it != body.end() && it->is_string() ? it->get<std::string>() : "";
}

// 409 similar_item_name carries the similar catalogue names, so the form can offer to reuse one.
Response ItemConflict(PolicyService& svc, const core::Error& e, const json& body) {
  Response resp = Response::FromError(e);
  if (e.code != "similar_item_name") return resp;
  auto similar = svc.SimilarItemNames(body.value("name", ""));
  if (!similar.ok()) return resp;
  json list = json::array();
  for (const auto& c : *similar) list.push_back(policy::CatalogueEntryJson(c));
  json err = json::parse(resp.body);
  err["error"]["similar"] = list;
  return Response::Json(409, err);
}

// Published content is answered from the response cache; the writes that change it say so.
constexpr Caching kCached = Caching::kPublished;
constexpr Caching kChanges = Caching::kChangesPublished;

const Access kEditors = Access::DepartmentRoles({auth::Role::kPolicyOfficer, auth::Role::kDepartmentAdmin});
const Access kApprovers = Access::DepartmentRoles({auth::Role::kReviewer, auth::Role::kDepartmentAdmin});
const Access kStaff = Access::DepartmentRoles(
    {auth::Role::kPolicyOfficer, auth::Role::kReviewer, auth::Role::kDepartmentAdmin});

void AddPublicRoutes(Router& router, PolicyService& svc, const rules::Schema& schema,
                     const core::ReferenceData& ref) {
  router.Add("GET", "/api/v1/policies", Access::Public(), kCached, [&svc](Request& req) {
    auto f = FilterFrom(req);
    if (!f.ok()) return Response::FromError(f.error());
    return Answer(svc.ListPublishedPolicies(*f), [&](const policy::Page<policy::Policy>& page) {
      json items = json::array();
      for (const auto& p : page.items) items.push_back(policy::PolicySummaryJson(p));
      return PageOf(items, page.total, *f);
    });
  });
  router.Add("GET", "/api/v1/policies/{id}", Access::Public().On("policy"), kCached, [&svc](Request& req) {
    return WithId(req, [&](int64_t id) {
      auto p = svc.GetPolicy(req.principal, id);
      if (!p.ok()) return Response::FromError(p.error());
      json out = policy::PolicyToJson(*p);
      auto items = svc.ItemsOfPolicy(req.principal, id);
      if (!items.ok()) return Response::FromError(items.error());
      out["items"] = json::array();
      for (const auto& it : *items) out["items"].push_back(policy::ItemSummaryJson(it));
      auto versions = svc.Versions(req.principal, id);
      if (!versions.ok()) return Response::FromError(versions.error());
      out["versions"] = json::array();
      for (const auto& v : *versions) out["versions"].push_back(policy::VersionJson(v));
      return Response::Ok(out);
    });
  });
  router.Add(
      "GET", "/api/v1/policies/{id}/versions", Access::Public().On("policy"), kCached, [&svc](Request& req) {
        return WithId(req, [&](int64_t id) {
          return Answer(svc.Versions(req.principal, id), [](const std::vector<policy::PolicyVersion>& list) {
            json items = json::array();
            for (const auto& v : list) items.push_back(policy::VersionJson(v));
            return json{{"items", items}};
          });
        });
      });
  router.Add("GET", "/api/v1/items", Access::Public(), kCached, [&svc](Request& req) {
    auto f = FilterFrom(req);
    if (!f.ok()) return Response::FromError(f.error());
    return Answer(svc.ListPublishedItems(*f), [&](const policy::Page<policy::Item>& page) {
      json items = json::array();
      for (const auto& it : page.items) items.push_back(policy::ItemSummaryJson(it));
      return PageOf(items, page.total, *f);
    });
  });
  router.Add("GET", "/api/v1/items/{id}", Access::Public().On("item"), kCached,
             [&svc, &schema, &ref](Request& req) {
               return WithId(req, [&](int64_t id) {
                 return Answer(svc.GetItem(req.principal, id), [&](const policy::Item& it) {
                   json out = policy::ItemToJson(it);
                   out["rule_description"] = RuleDescriptionJson(it, schema, ref);
                   return out;
                 });
               });
             });
  router.Add("GET", "/api/v1/items/{id}/rules", Access::Public().On("item"), kCached, [&svc](Request& req) {
    return WithId(req, [&](int64_t id) {
      return Answer(svc.RuleVersions(req.principal, id), [](const std::vector<policy::RuleVersion>& list) {
        json items = json::array();
        for (const auto& v : list) {
          items.push_back(
              {{"version", v.version},
               {"rule", v.rule_text},
               {"ast", json::parse(v.ast_json, nullptr, false)},
               {"amount", v.amount_json.empty() ? json() : json::parse(v.amount_json, nullptr, false)},
               {"effective_from", v.effective_from.ToString()},
               {"effective_to", v.effective_to ? json(v.effective_to->ToString()) : json()},
               {"created_at", v.created_at}});
        }
        return json{{"items", items}};
      });
    });
  });
  router.Add("GET", "/api/v1/policy-types", Access::Public(), kCached, [&svc](Request&) {
    return Answer(svc.ListPolicyTypes(), [](const std::vector<policy::CodeLabel>& list) {
      json items = json::array();
      for (const auto& t : list) items.push_back({{"code", t.code}, {"label", t.label}});
      return json{{"items", items}};
    });
  });
  router.Add("GET", "/api/v1/tag-groups", Access::Public(), kCached, [&svc](Request&) {
    return Answer(svc.ListTagGroups(), [](const std::vector<policy::CodeLabel>& list) {
      json items = json::array();
      for (const auto& t : list) items.push_back({{"code", t.code}, {"label", t.label}});
      return json{{"items", items}};
    });
  });
  router.Add("GET", "/api/v1/tags", Access::Public(), kCached, [&svc](Request& req) {
    return Answer(svc.ListTags(req.Query("group")), [](const std::vector<policy::Tag>& list) {
      json items = json::array();
      for (const auto& t : list) items.push_back(policy::TagJson(t));
      return json{{"items", items}};
    });
  });
}

void AddPolicyStaffRoutes(Router& router, PolicyService& svc) {
  router.Add("GET", "/api/v1/dept/policies", kStaff, [&svc](Request& req) {
    auto paging = ParsePaging(req);
    if (!paging.ok()) return Response::FromError(paging.error());
    return Answer(
        svc.ListDepartmentPolicies(req.User(), req.Query("status"), paging->page, paging->page_size),
        [&](const policy::Page<policy::Policy>& page) {
          json items = json::array();
          for (const auto& p : page.items) items.push_back(policy::PolicySummaryJson(p));
          return PageJson(items, page.total, *paging);
        });
  });
  router.Add("POST", "/api/v1/policies", kEditors, kChanges, [&svc](Request& req) {
    return WithBody(req, [&](const json& body) {
      auto in = policy::PolicyInputFromJson(body);
      if (!in.ok()) return Response::FromError(in.error());
      return Answer(svc.CreatePolicy(req.User(), *in), policy::PolicyToJson, 201);
    });
  });
  router.Add("PATCH", "/api/v1/policies/{id}", kEditors.Owned("policy"), kChanges, [&svc](Request& req) {
    return WithId(req, [&](int64_t id) {
      return WithBody(req, [&](const json& body) {
        auto in = policy::PolicyInputFromJson(body);
        if (!in.ok()) return Response::FromError(in.error());
        return Answer(svc.UpdatePolicy(req.User(), id, *in), policy::PolicyToJson);
      });
    });
  });
  router.Add(
      "POST", "/api/v1/policies/{id}/submit", kEditors.Owned("policy"), kChanges, [&svc](Request& req) {
        return WithId(
            req, [&](int64_t id) { return Answer(svc.SubmitPolicy(req.User(), id), policy::PolicyToJson); });
      });
  router.Add("POST", "/api/v1/policies/{id}/reject", kApprovers.Owned("policy"), kChanges,
             [&svc](Request& req) {
               return WithId(req, [&](int64_t id) {
                 return WithBody(req, [&](const json& body) {
                   return Answer(svc.RejectPolicy(req.User(), id, Reason(body)), policy::PolicyToJson);
                 });
               });
             });
  router.Add(
      "POST", "/api/v1/policies/{id}/publish", kApprovers.Owned("policy"), kChanges, [&svc](Request& req) {
        return WithId(
            req, [&](int64_t id) { return Answer(svc.PublishPolicy(req.User(), id), policy::PolicyToJson); });
      });
  router.Add("POST", "/api/v1/policies/{id}/revise", kEditors.Owned("policy"), kChanges,
             [&svc](Request& req) {
               return WithId(req, [&](int64_t id) {
                 return Answer(svc.RevisePolicy(req.User(), id), policy::PolicyToJson, 201);
               });
             });
  router.Add("POST", "/api/v1/policies/{id}/repeal", kApprovers.Owned("policy"), kChanges,
             [&svc](Request& req) {
               return WithId(req, [&](int64_t id) {
                 return WithBody(req, [&](const json& body) {
                   core::Date on = svc.Today();
                   if (auto it = body.find("repealed_on"); it != body.end() && !it->is_null()) {
                     if (!it->is_string()) {
                       return Response::FromError(core::InvalidArgument(
                           "repealed_on", "invalid_date", "废止日期格式应为 YYYY-MM-DD", "bad date"));
                     }
                     auto d = core::Date::Parse(it->get<std::string>(), "repealed_on");
                     if (!d.ok()) return Response::FromError(d.error());
                     on = *d;
                   }
                   return Answer(svc.RepealPolicy(req.User(), id, on, Reason(body)), policy::PolicyToJson);
                 });
               });
             });
}

void AddItemStaffRoutes(Router& router, PolicyService& svc) {
  router.Add("GET", "/api/v1/dept/items", kStaff, [&svc](Request& req) {
    auto paging = ParsePaging(req);
    if (!paging.ok()) return Response::FromError(paging.error());
    return Answer(svc.ListDepartmentItems(req.User(), paging->page, paging->page_size),
                  [&](const policy::Page<policy::Item>& page) {
                    json items = json::array();
                    for (const auto& it : page.items) items.push_back(policy::ItemSummaryJson(it));
                    return PageJson(items, page.total, *paging);
                  });
  });
  router.Add("POST", "/api/v1/policies/{id}/items", kEditors.Owned("policy"), kChanges, [&svc](Request& req) {
    return WithId(req, [&](int64_t id) {
      return WithBody(req, [&](const json& body) {
        auto in = policy::ItemInputFromJson(body);
        if (!in.ok()) return Response::FromError(in.error());
        auto created = svc.CreateItem(req.User(), id, *in);
        if (!created.ok()) return ItemConflict(svc, created.error(), body);
        return Response::Created(policy::ItemToJson(*created));
      });
    });
  });
  router.Add("PATCH", "/api/v1/items/{id}", kEditors.Owned("item"), kChanges, [&svc](Request& req) {
    return WithId(req, [&](int64_t id) {
      return WithBody(req, [&](const json& body) {
        auto in = policy::ItemInputFromJson(body);
        if (!in.ok()) return Response::FromError(in.error());
        return Answer(svc.UpdateItem(req.User(), id, *in), policy::ItemToJson);
      });
    });
  });
  router.Add("POST", "/api/v1/items/{id}/publish", kEditors.Owned("item"), kChanges, [&svc](Request& req) {
    return WithId(req,
                  [&](int64_t id) { return Answer(svc.PublishItem(req.User(), id), policy::ItemToJson); });
  });
  router.Add("POST", "/api/v1/items/{id}/withdraw", kEditors.Owned("item"), kChanges, [&svc](Request& req) {
    return WithId(req,
                  [&](int64_t id) { return Answer(svc.WithdrawItem(req.User(), id), policy::ItemToJson); });
  });
  router.Add("GET", "/api/v1/catalogue/similar", kStaff, [&svc](Request& req) {
    std::string name = req.Query("name");
    if (name.empty()) {
      return Response::FromError(
          core::InvalidArgument("name", "required", "请填写事项名称", "name is required"));
    }
    return Answer(svc.SimilarItemNames(name), [](const std::vector<policy::CatalogueEntry>& list) {
      json items = json::array();
      for (const auto& c : list) items.push_back(policy::CatalogueEntryJson(c));
      return json{{"items", items}};
    });
  });
  // A department's own supervision view; the platform office has /admin/supervision.
  router.Add("GET", "/api/v1/dept/supervision",
             Access{true, {auth::UserKind::kDepartmentStaff}, kStaff.roles}, [&svc](Request& req) {
               return Answer(svc.SuperviseOwnDepartment(req.User()), policy::SupervisionJson);
             });
}

void AddAdminRoutes(Router& router, PolicyService& svc) {
  router.Add("GET", "/api/v1/admin/supervision", Access::Admin(),
             [&svc](Request& req) { return Answer(svc.Supervise(req.User()), policy::SupervisionJson); });
  router.Add("GET", "/api/v1/admin/supervision/counts", Access::Admin(), [&svc](Request& req) {
    return Answer(svc.Supervise(req.User()), policy::SupervisionCountsJson);
  });
  router.Add("POST", "/api/v1/admin/tags", Access::Admin(), kChanges, [&svc](Request& req) {
    return WithBody(req, [&](const json& body) {
      return Answer(svc.CreateTag(req.User(), body.value("group", ""), body.value("name", "")),
                    policy::TagJson, 201);
    });
  });
  router.Add("POST", "/api/v1/admin/policy-types", Access::Admin(), kChanges, [&svc](Request& req) {
    return WithBody(req, [&](const json& body) {
      policy::CodeLabel t{body.value("code", ""), body.value("label", "")};
      return Answer(
          svc.CreatePolicyType(req.User(), t),
          [](const policy::CodeLabel& c) {
            return json{{"code", c.code}, {"label", c.label}};
          },
          201);
    });
  });
}

}  // namespace

json RuleDescriptionJson(const policy::Item& item, const rules::Schema& schema,
                         const core::ReferenceData& ref) {
  json out = {{"conditions", json::array()}, {"amount", nullptr}, {"canonical", nullptr}};
  if (!item.rule_text.empty()) {
    auto rule = rules::Parse(item.rule_text, schema);
    if (rule.ok()) {
      out["canonical"] = rules::Print(*rule, schema);
      for (const auto& line : rules::DescribeLines(*rule, schema, rules::ReferenceNamer(ref)))
        out["conditions"].push_back(line);
    }
  }
  auto amount = rules::ParseAmountText(item.amount_json, schema);
  if (amount.ok() && *amount) out["amount"] = rules::DescribeAmount(**amount, schema);
  return out;
}

void RegisterPolicyApi(Router& router, PolicyService& policies, const rules::Schema& schema,
                       const core::ReferenceData& reference) {
  // A policy is its issuing departments' (the lead's lifecycle rules are the service's); an item
  // its department's. Published ones are visible to all, so visibility alone is not ownership:
  // what the caller can see but not change is 403, what it cannot see 404.
  router.SetOwnerCheck("policy", [&policies](const auth::Principal& p, int64_t id) -> core::Status {
    auto policy = policies.GetPolicy(&p, id);
    if (!policy.ok()) return policy.error();
    for (const auto& d : policy->departments) {
      if (auth::RequireDepartment(p, d.id).ok()) return core::Ok();
    }
    return core::PermissionDenied("这不是本部门发布的政策，不能修改", "not a policy of your department");
  });
  router.SetOwnerCheck("item", [&policies](const auth::Principal& p, int64_t id) -> core::Status {
    auto item = policies.GetItem(&p, id);
    if (!item.ok()) return item.error();
    if (!auth::RequireDepartment(p, item->department.id).ok()) {
      return core::PermissionDenied("这不是本部门的事项，不能修改", "not an item of your department");
    }
    return core::Ok();
  });
  AddPublicRoutes(router, policies, schema, reference);
  AddPolicyStaffRoutes(router, policies);
  AddItemStaffRoutes(router, policies);
  AddAdminRoutes(router, policies);
}

}  // namespace huiqi::http
