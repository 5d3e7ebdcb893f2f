#include "policy/match_catalogue.h"

#include "policy/policy_json.h"
#include "rules/amount.h"
#include "rules/rule.h"

namespace huiqi::policy {

core::Result<MatchCatalogue> LoadMatchCatalogue(PolicyService& policies, const rules::Schema& schema,
                                                core::Date today) {
  MatchCatalogue out;
  ListFilter f;
  f.page_size = 100;
  for (f.page = 1;; ++f.page) {
    HQ_ASSIGN_OR_RETURN(auto page, policies.ListPublishedItems(f));
    for (const auto& it : page.items) {
      if (it.window_end && *it.window_end < today) continue;  // closed: nothing to apply for
      HQ_ASSIGN_OR_RETURN(Item full, policies.GetItem(nullptr, it.id));
      match::CatalogueItem c;
      c.id = full.id;
      c.policy_id = full.policy_id;
      c.name = full.name;
      c.policy_title = full.policy_title;
      c.department = full.department.name;
      c.exclusive_group = full.exclusive_group;
      c.subsidy_standard = full.subsidy_standard;
      c.period_type = std::string(PeriodTypeCode(full.period_type));
      c.window_start = full.window_start ? full.window_start->ToString() : "";
      c.window_end = full.window_end ? full.window_end->ToString() : "";
      c.no_application = full.no_application;
      // A grant to a person is listed apart ("for your staff"), never as the enterprise's own.
      c.for_individuals = full.target == Target::kIndividual;
      // Rules and formulas were checked when saved; one that no longer parses (a schema change)
      // leaves the item to a person rather than failing the whole list.
      if (!full.rule_text.empty()) {
        auto rule = rules::Parse(full.rule_text, schema);
        if (rule.ok()) c.rule = std::move(*rule);
      }
      auto amount = rules::ParseAmountText(full.amount_json, schema);
      if (amount.ok() && *amount) c.amount = std::move(**amount);
      nlohmann::json& summary = out.summaries[c.id] = ItemSummaryJson(full);
      out.summary_text[c.id] = summary.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      out.index[c.id] = out.items.size();
      out.items.push_back(std::move(c));
    }
    if (static_cast<int64_t>(f.page) * f.page_size >= page.total) break;
  }
  return out;
}

}  // namespace huiqi::policy
