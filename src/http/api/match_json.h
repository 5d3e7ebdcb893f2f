#pragma once
// The answers of GET /me/matches and GET /items/{id}/selftest, written straight to text
// (http/detail/json_writer.h) rather than through an nlohmann::json tree: the tree cost ten
// times the match itself. The shape is the one documented in docs/api.md, keys sorted as before.

#include <string>

#include "match/item_matcher.h"
#include "policy/match_catalogue.h"
#include "rules/schema.h"

namespace huiqi::http {

//! One verdict: the item's summary, standing (符合 / 待审核 / 待补充 / 不满足 / 面向员工个人),
//! trace (one row per condition, an "or" over codes as one named row; conditions another "or"
//! branch satisfied marked needed: false), counts, amount with its basis, whether it is in the
//! total, advice (the figure to reach and who records it) and the data to provide. `facts` are
//! the enterprise's, for the figures in the advice.
std::string VerdictText(const match::ItemVerdict& v, const policy::MatchCatalogue& catalogue,
                        const rules::Schema& schema, const rules::Facts& facts, core::Date today,
                        const rules::CodeNamer& namer);

//! The same without the enterprise's facts (typed values of an anonymous 自测): advice names the
//! figure to reach but not the gap.
std::string VerdictText(const match::ItemVerdict& v, const policy::MatchCatalogue& catalogue,
                        const rules::Schema& schema);

//! Everything the enterprise `uscc` / `name` may apply for, 待审核 items, near misses, grants its
//! staff may apply for, exclusivity advice, 预计可享受 (eligible_total_fen: the in_total amounts)
//! and eligible_without_amount (另有 N 项按实际核定).
std::string MatchesText(const match::EnterpriseMatch& m, const std::string& uscc, const std::string& name,
                        const policy::MatchCatalogue& catalogue, const rules::Schema& schema,
                        const rules::Facts& facts, core::Date today, const rules::CodeNamer& namer);

}  // namespace huiqi::http
