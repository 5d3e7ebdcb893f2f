#pragma once
// Queries over the index layout of schema.h (internal to search/).

#include <xapian.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/date.h"
#include "search/search_service.h"

namespace huiqi::search::detail {

struct TextQuery {
  Xapian::Query query;                 // empty Query when the text has no terms
  std::vector<std::string> highlight;  // normalised strings to mark in snippets
};

//! Whether a term is too common to be worth its postings (see query.cpp); may be empty.
using CommonTerm = std::function<bool(const std::string& term)>;

//! Words of the query (each over every field, weighted by field), synonym expansions at a
//! lower weight, and Han bigrams, combined with OR and ranked by BM25.
TextQuery BuildTextQuery(const Analyzer& a, std::string_view text, QueryMode mode,
                         const CommonTerm& common = {});

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
