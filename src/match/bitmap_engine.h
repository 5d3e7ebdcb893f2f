#pragma once
// Engine (b) of the rules issue: one rule against every enterprise, in memory. Attributes are
// held as columns; codes, enums and tags as CRoaring bitmaps; numeric columns also carry 64
// quantile bins (a bitmap each) so a range condition is a union of whole bins plus a scan of
// one boundary bin. Three-valued like the row evaluator: every evaluation yields the rows where
// the rule is True and those where it is False; the rest are Unknown.
//
// Thread-safety: Evaluate/Count/Page/Breakdown may run concurrently; Upsert needs exclusive
// access (the caller holds a writer lock). No roaring type appears in this header.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/date.h"
#include "rules/evaluator.h"
#include "rules/rule.h"

namespace huiqi::match {

struct Breakdown {
  std::vector<std::pair<std::string, uint64_t>> by_region;    // city code (4 digits) → count
  std::vector<std::pair<std::string, uint64_t>> by_industry;  // section letter → count
  std::vector<std::pair<std::string, uint64_t>> by_scale;     // 大型/中型/小型/微型 → count
};

struct RuleCounts {
  uint64_t eligible = 0;  // True
  uint64_t unknown = 0;   // may qualify once data is provided
  uint64_t total = 0;     // enterprises indexed
};

class BitmapEngine {
 public:
  explicit BitmapEngine(const rules::Schema& schema);
  ~BitmapEngine();
  BitmapEngine(BitmapEngine&&) noexcept;
  BitmapEngine& operator=(BitmapEngine&&) noexcept;

  //! Adds or replaces the facts of enterprise `id` (ids are dense row numbers chosen by the
  //! caller, 0..2^32-2). Updating keeps the index current without a rebuild.
  void Upsert(uint32_t id, const rules::Facts& facts);
  //! Recomputes the numeric bins from the current values (after a bulk load).
  void RebuildBins();
  //! Forgets cached condition results (they are also dropped on every Upsert).
  void DropCache();
  size_t size() const;

  RuleCounts Count(const rules::Node& rule, core::Date today) const;
  //! Ids where the rule is True, in id order, from `offset`, at most `limit`.
  std::vector<uint32_t> Page(const rules::Node& rule, core::Date today, size_t offset, size_t limit) const;
  Breakdown BreakdownOf(const rules::Node& rule, core::Date today) const;
  //! The verdict for one id (for checks against the row evaluator).
  rules::Truth VerdictOf(const rules::Node& rule, core::Date today, uint32_t id) const;
  //! Bytes held by the index structures (columns, bitmaps, bins).
  size_t MemoryBytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace huiqi::match
