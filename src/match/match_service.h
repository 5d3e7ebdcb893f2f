#pragma once
// The in-memory matching index of one server node: every enterprise's facts in a BitmapEngine,
// for live counts while an officer edits a rule (常州办法 第二十条: a matching model of item
// conditions) and, later, batch pushes. Thread-safe: readers share a lock, reloads take it
// exclusively.

#include <functional>
#include <shared_mutex>
#include <utility>
#include <vector>

#include "core/date.h"
#include "match/bitmap_engine.h"
#include "rules/evaluator.h"

namespace huiqi::match {

struct Simulation {
  RuleCounts counts;
  Breakdown breakdown;
};

class MatchService {
 public:
  explicit MatchService(const rules::Schema& schema) : schema_(schema), engine_(schema) {}

  //! Replaces the index with these enterprises (id → facts).
  void Load(const std::vector<std::pair<int64_t, rules::Facts>>& enterprises);
  //! Adds or replaces one enterprise without a rebuild.
  void Upsert(int64_t id, const rules::Facts& facts);

  Simulation Simulate(const rules::Node& rule, core::Date today) const;
  //! Every enterprise id where the rule is True, in id order (免申即享 lists, batch pushes).
  std::vector<int64_t> Eligible(const rules::Node& rule, core::Date today) const;
  //! Near misses (issue 15): enterprises for which exactly one condition of the rule's top-level
  //! `and` is not True (False or Unknown) while all the others are True, with that condition's
  //! index among the children; only conditions where `consider(index)`. Empty for a rule that is
  //! not an `and` of at least two conditions (one failing condition of one is "not eligible").
  std::vector<std::pair<int64_t, size_t>> NearMisses(const rules::Node& rule, core::Date today,
                                                     const std::function<bool(size_t)>& consider) const;
  size_t size() const;
  const rules::Schema& schema() const { return schema_; }

 private:
  const rules::Schema& schema_;
  mutable std::shared_mutex mu_;
  BitmapEngine engine_;
};

}  // namespace huiqi::match
