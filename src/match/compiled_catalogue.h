#pragma once
// The item catalogue compiled for engine (a) of issue 4: one enterprise against every item.
// Items share most of their conditions ("not dishonest", "region under \"3204\"", "has
// \"高新技术企业\""), so compiling interns every distinct condition — a leaf, or not(leaf), keyed
// by its canonical text — with its plain-Chinese description and canonical text worked out once.
// A match then evaluates each distinct condition once per enterprise, combines them per item in
// the three-valued logic of rules::EvaluateRule, writes the enterprise's value of each attribute
// once ("actual"), and estimates each distinct amount formula at most once. Traces are views
// onto those precomputed strings; full rules::Evaluation copies are made only when asked for.
//
// Publishing or withdrawing one item updates the catalogue in place (Upsert, Remove): its
// conditions are interned with the rest, nothing else is recompiled.
//
// Ownership: a CompiledCatalogue points at the items and schema it was given, and keeps the
// namer (with whatever it refers to); they must outlive it and the items stay where they are.
// Match may run concurrently; Upsert and Remove need exclusive access (the caller's writer
// lock). A CompiledMatch points into its catalogue, which must outlive it and not change while
// it is read.

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "match/item_matcher.h"

namespace huiqi::match {

//! One condition of one item's trace: views into the catalogue and the match that made it.
struct TraceRef {
  const rules::Node* node = nullptr;  // the condition in the item's own rule
  std::string_view description, canonical, actual, attr;
  rules::Truth outcome = rules::Truth::kUnknown;
};

//! One item's verdict without copied strings.
struct ItemRef {
  const CatalogueItem* item = nullptr;
  uint32_t index = 0;  // position in the catalogue
  rules::Truth verdict = rules::Truth::kUnknown;
  int failed = 0, unknown = 0;                // leaves that are False / Unknown
  const rules::Estimate* estimate = nullptr;  // never null; empty when not eligible or no amount
  Standing standing = Standing::kUnknown;
  bool in_total = false;  // counted in eligible_total_fen
};

class CompiledCatalogue;

//! One enterprise against the compiled catalogue; lists ordered as in EnterpriseMatch.
class CompiledMatch {
 public:
  std::vector<ItemRef> eligible, pending_review, unknown, near_misses, for_staff;
  std::vector<ExclusivityAdvice> exclusivity;
  int not_eligible = 0, without_rule = 0;
  int64_t eligible_total_fen = 0;  // as EnterpriseMatch counts it
  int eligible_without_amount = 0;

  //! The item's conditions, left to right (as rules::Leaves orders them).
  size_t TraceSize(const ItemRef& ref) const;
  TraceRef TraceAt(const ItemRef& ref, size_t i) const;
  //! The same as rules::Explain gives, with the strings copied.
  ItemVerdict Materialize(const ItemRef& ref) const;
  EnterpriseMatch ToEnterpriseMatch() const;

  CompiledMatch();
  ~CompiledMatch();
  CompiledMatch(CompiledMatch&&) noexcept;
  CompiledMatch& operator=(CompiledMatch&&) noexcept;

  struct State;  // opaque: defined and used only in compiled_catalogue.cpp

 private:
  friend class CompiledCatalogue;
  const CompiledCatalogue* catalogue_ = nullptr;
  std::unique_ptr<State> state_;
};

class CompiledCatalogue {
 public:
  //! Compiles `items` (their rules, already parsed and checked against `schema`).
  CompiledCatalogue(const std::vector<CatalogueItem>& items, const rules::Schema& schema,
                    rules::CodeNamer namer = {});
  ~CompiledCatalogue();
  CompiledCatalogue(CompiledCatalogue&&) noexcept;
  CompiledCatalogue& operator=(CompiledCatalogue&&) noexcept;

  CompiledMatch Match(const rules::Facts& facts, core::Date today) const;

  //! Adds `item`, or replaces the item with its id (which keeps its place in the order).
  //! Space of a replaced version is kept until the catalogue is compiled afresh.
  void Upsert(const CatalogueItem& item);
  //! Withdraws the item with this id; false when it is not in the catalogue.
  bool Remove(int64_t id);

  size_t items() const;
  //! Distinct conditions over all items (a measure of how much is shared).
  size_t distinct_conditions() const;

  struct Impl;  // opaque: defined and used only in compiled_catalogue.cpp

 private:
  friend class CompiledMatch;
  std::unique_ptr<Impl> impl_;
};

//! MatchEnterprise over a catalogue compiled once (e.g. per catalogue snapshot).
EnterpriseMatch MatchEnterprise(const CompiledCatalogue& catalogue, const rules::Facts& facts,
                                core::Date today);

}  // namespace huiqi::match
