#include "match/match_service.h"

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

size_t MatchService::size() const {
  std::shared_lock lock(mu_);
  return engine_.size();
}

}  // namespace huiqi::match
