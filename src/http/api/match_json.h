#pragma once
// The answers of GET /me/matches and GET /items/{id}/selftest, written straight to text
// (http/detail/json_writer.h) rather than through an nlohmann::json tree: the tree cost ten
// times the match itself. The shape is the one documented in docs/api.md, keys sorted as before.

#include <string>

#include "match/item_matcher.h"
#include "policy/match_catalogue.h"
#include "rules/schema.h"

namespace huiqi::http {

//! One verdict: the item's summary, verdict, trace (conditions another "or" branch satisfied
//! marked needed: false), counts, amount, advice and the data to provide.
std::string VerdictText(const match::ItemVerdict& v, const policy::MatchCatalogue& catalogue,
                        const rules::Schema& schema);

//! Everything the enterprise `uscc` / `name` may apply for, near misses, exclusivity advice.
std::string MatchesText(const match::EnterpriseMatch& m, const std::string& uscc, const std::string& name,
                        const policy::MatchCatalogue& catalogue, const rules::Schema& schema);

}  // namespace huiqi::http
