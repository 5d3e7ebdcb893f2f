#include "http/api/rules_api.h"

#include <nlohmann/json.hpp>

#include "rules/rule_json.h"

namespace huiqi::http {

using nlohmann::json;

namespace {

core::Result<rules::Node> RuleFrom(const Request& req, const rules::Schema& schema) {
  HQ_ASSIGN_OR_RETURN(json body, req.JsonBody());
  auto it = body.find("rule");
  if (it == body.end() || !it->is_string()) {
    return core::InvalidArgument("rule", "required", "请填写规则", "rule is required");
  }
  return rules::Parse(it->get<std::string>(), schema);
}

json Groups(const std::vector<std::pair<std::string, uint64_t>>& groups,
            const std::function<std::string(const std::string&)>& name) {
  json out = json::array();
  for (const auto& [code, count] : groups)
    out.push_back({{"code", code}, {"name", name(code)}, {"count", count}});
  return out;
}

}  // namespace

void RegisterRulesApi(Router& router, match::MatchService& matches, const core::ReferenceData& reference,
                      const core::Clock& clock) {
  router.Add("POST", "/api/v1/rules/check", Access::LoggedIn(), [&matches, &reference](Request& req) {
    auto rule = RuleFrom(req, matches.schema());
    if (!rule.ok()) return Response::FromError(rule.error());
    json conditions = json::array();
    for (const auto* leaf : rules::Leaves(*rule)) {
      conditions.push_back(
          {{"text", rules::Describe(*leaf, matches.schema(), rules::ReferenceNamer(reference))},
           {"canonical", rules::Print(*leaf, matches.schema())}});
    }
    // The AST (the stored ast_json form) lets the web rule builder show the rule as form rows
    // without parsing rule text itself.
    return Response::Ok({{"canonical", rules::Print(*rule, matches.schema())},
                         {"ast", rules::RuleToJson(*rule)},
                         {"conditions", conditions}});
  });
  router.Add("POST", "/api/v1/rules/simulate",
             Access::DepartmentRoles(
                 {auth::Role::kPolicyOfficer, auth::Role::kReviewer, auth::Role::kDepartmentAdmin}),
             [&matches, &reference, &clock](Request& req) {
               auto rule = RuleFrom(req, matches.schema());
               if (!rule.ok()) return Response::FromError(rule.error());
               match::Simulation sim = matches.Simulate(*rule, core::ShanghaiDate(clock.Now()));
               rules::CodeNamer namer = rules::ReferenceNamer(reference);
               auto region_name = [&](const std::string& code) {
                 std::string name = namer("region", code);
                 return name.empty() ? code : name;
               };
               auto industry_name = [&](const std::string& code) {
                 std::string name = namer("industry", code);
                 return name.empty() ? code : name;
               };
               auto same = [](const std::string& code) { return code; };
               return Response::Ok({{"canonical", rules::Print(*rule, matches.schema())},
                                    {"eligible", sim.counts.eligible},
                                    {"unknown", sim.counts.unknown},
                                    {"total", sim.counts.total},
                                    {"breakdown",
                                     {{"by_region", Groups(sim.breakdown.by_region, region_name)},
                                      {"by_industry", Groups(sim.breakdown.by_industry, industry_name)},
                                      {"by_scale", Groups(sim.breakdown.by_scale, same)}}}});
             });
}

}  // namespace huiqi::http
