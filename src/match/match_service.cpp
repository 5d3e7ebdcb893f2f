#include "match/match_service.h"

#include <algorithm>
#include <iterator>
#include <mutex>

namespace huiqi::match {

void MatchService::Load(const std::vector<std::pair<int64_t, rules::Facts>>& enterprises) {
  BitmapEngine fresh(schema_);
  for (const auto& [id, facts] : enterprises) fresh.Upsert(static_cast<uint32_t>(id), facts);
  fresh.RebuildBins();
  std::unique_lock lock(mu_);
  engine_ = std::move(fresh);
}

void MatchService::Upsert(int64_t id, const rules::Facts& facts) {
  std::unique_lock lock(mu_);
  engine_.Upsert(static_cast<uint32_t>(id), facts);
}

Simulation MatchService::Simulate(const rules::Node& rule, core::Date today) const {
  std::shared_lock lock(mu_);
  return {engine_.Count(rule, today), engine_.BreakdownOf(rule, today)};
}

std::vector<int64_t> MatchService::Eligible(const rules::Node& rule, core::Date today) const {
  std::shared_lock lock(mu_);
  std::vector<uint32_t> ids = engine_.Page(rule, today, 0, engine_.size());
  return {ids.begin(), ids.end()};
}

std::vector<std::pair<int64_t, size_t>> MatchService::NearMisses(
    const rules::Node& rule, core::Date today, const std::function<bool(size_t)>& consider) const {
  std::vector<std::pair<int64_t, size_t>> out;
  if (rule.kind != rules::NodeKind::kAnd || rule.children.size() < 2) return out;
  std::shared_lock lock(mu_);
  // The rule without condition i holds for the eligible ones and for those failing only i: the
  // sets for different i are disjoint once the eligible are taken out (failing only i means j holds).
  std::vector<uint32_t> eligible = engine_.Page(rule, today, 0, engine_.size());
  for (size_t i = 0; i < rule.children.size(); ++i) {
    if (consider && !consider(i)) continue;
    rules::Node rest;
    rest.kind = rules::NodeKind::kAnd;
    for (size_t j = 0; j < rule.children.size(); ++j) {
      if (j != i) rest.children.push_back(rule.children[j]);
    }
    std::vector<uint32_t> ids = engine_.Page(rest, today, 0, engine_.size());
    std::vector<uint32_t> only;
    std::set_difference(ids.begin(), ids.end(), eligible.begin(), eligible.end(), std::back_inserter(only));
    for (uint32_t id : only) out.emplace_back(static_cast<int64_t>(id), i);
  }
  std::sort(out.begin(), out.end());
  return out;
}

size_t MatchService::size() const {
  std::shared_lock lock(mu_);
  return engine_.size();
}

}  // namespace huiqi::match
