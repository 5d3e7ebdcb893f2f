#pragma once
// Queries over the index layout of schema.h (internal to search/).

#include <xapian.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/date.h"
#include "search/search_service.h"

namespace huiqi::search::detail {

//! The minimum-match rule (query.cpp): a document must match at least `needed` of the query's
//! counted words: two or more characters (Latin words and numbers too), not a question word of
//! colloquial queries (我们, 怎么, 多少 …), held by at least one document and by at most half. A word matches
//! when the document holds it in any field, or one of its synonyms, or at least half of its character bigrams
//! (so a one-character typo still matches). Checked per candidate over its term list.
class MinMatch : public Xapian::MatchDecider {
 public:
  struct Unit {
    std::vector<std::string> terms;    // any of these (the word under each field prefix, synonyms)
    std::vector<std::string> bigrams;  // "X…" bigram terms of the word
  };
  MinMatch(std::vector<Unit> units, size_t needed);
  bool operator()(const Xapian::Document& doc) const override;
  size_t units() const { return units_.size(); }
  size_t needed() const { return needed_; }

 private:
  std::vector<Unit> units_;
  std::vector<std::string> all_;  // every term of every unit, sorted, unique
  size_t needed_;
};

//! Share of the query's words a document must match, rounded up (at least one).
inline constexpr double kMinMatchShare = 0.5;

struct TextQuery {
  Xapian::Query query;                  // empty Query when the text has no terms
  std::vector<std::string> highlight;   // normalised strings to mark in snippets
  std::shared_ptr<MinMatch> min_match;  // null when the query has no word to count
};

//! Whether a term is too common to be worth its postings (see query.cpp); may be empty.
using CommonTerm = std::function<bool(const std::string& term)>;
//! The number of documents holding a term, and of all documents (the minimum-match rule counts
//! only words that some but not most documents hold); may be empty (every word counts).
using TermFreq = std::function<double(const std::string& term)>;

//! Words of the query (each over every field, weighted by field), synonym expansions at a
//! lower weight, and Han bigrams, combined with OR and ranked by BM25.
TextQuery BuildTextQuery(const Analyzer& a, std::string_view text, QueryMode mode,
                         const CommonTerm& common = {}, const TermFreq& share = {});

//! Sort keys of SearchQuery::sort: "" / relevance (BM25), date (newest first), amount (largest
//! first, items without an amount last), deadline (the soonest closing window still open or to
//! come first; then year-round and pending windows; then closed ones; policies without items last).
enum class SortBy { kRelevance, kDate, kAmount, kDeadline };
core::Result<SortBy> ParseSort(std::string_view name);

//! The deadline key of a document as of `today` (see SortBy::kDeadline): ascending.
class DeadlineKey : public Xapian::KeyMaker {
 public:
  explicit DeadlineKey(std::string today) : today_(std::move(today)) {}
  std::string operator()(const Xapian::Document& doc) const override;

 private:
  std::string today_;
};

//! The boolean filter of the facets, status and period; MatchAll when nothing is asked.
//! Errors: kInvalidArgument naming the field (period, level, kind).
core::Result<Xapian::Query> BuildFilter(const SearchQuery& q, core::Date today);

//! Counts facet values (level, type, department) of the matches it is shown; multi-valued
//! slots hold "code\x1elabel" entries joined by \x1f.
class FacetSpy : public Xapian::MatchSpy {
 public:
  void operator()(const Xapian::Document& doc, double weight) override;
  std::vector<FacetCount> Counts(Xapian::valueno slot) const;
  int64_t seen() const { return seen_; }
  //! Multiplies every count (a sample standing for more matches).
  void Scale(double factor) { scale_ = factor; }

 private:
  int64_t seen_ = 0;
  double scale_ = 1.0;
  std::map<Xapian::valueno, std::map<std::string, int64_t>> counts_;
};

}  // namespace huiqi::search::detail
