#pragma once
//! The published items as the matcher sees them: items of published policies whose window has
//! not closed, with their rule and amount formula parsed; items for persons are marked
//! for_individuals (listed for the enterprise's staff, never in its total). Used by the HTTP API
//! (/me/matches, cached per change-log position) and `huiqi match enterprise`.

#include <map>
#include <nlohmann/json.hpp>
#include <vector>

#include "match/item_matcher.h"
#include "policy/policy_service.h"

namespace huiqi::policy {

struct MatchCatalogue {
  std::vector<match::CatalogueItem> items;
  std::map<int64_t, nlohmann::json> summaries;  // item id → ItemSummaryJson
  std::map<int64_t, std::string> summary_text;  // the same serialised once: answers embed it as is
  std::map<int64_t, size_t> index;              // item id → position in items
};

core::Result<MatchCatalogue> LoadMatchCatalogue(PolicyService& policies, const rules::Schema& schema,
                                                core::Date today);

}  // namespace huiqi::policy
