#include "search/detail/query.h"

#include <algorithm>

#include "search/detail/schema.h"

namespace huiqi::search::detail {

namespace {

// Expansions from the synonym file weigh less than what the user typed; bigrams less than
// words (they also match across word boundaries).
// Tuned on tests/search/relevance.tsv (docs/benchmarks.md, "Search"): 0.7 and 0.4.
constexpr double kExpansionWeight = 0.7;
constexpr double kBigramWeight = 0.4;

Xapian::Query Scaled(Xapian::Query q, double w) {
  return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q, w);
}

// A word scores by its best field (OP_MAX), not the sum over fields: summing let long policies,
// which hold a word in every field, outrank the short item that names it in its title
// (MRR 0.73 → 0.86 on the relevance set).
struct Parts {
  const CommonTerm& common;
  std::vector<Xapian::Query> kept;
  std::vector<Xapian::Query> dropped;  // too common: used only when nothing else is left

  void Add(const std::string& term, double w) {
    (common && common(term) ? dropped : kept).push_back(Scaled(Xapian::Query(term), w));
  }
};

void OverFields(Parts& parts, const std::string& word, double w) {
  Parts fields{parts.common, {}, {}};
  for (const auto& f : kFields) fields.Add(f.prefix + word, f.query_scale * w);
  auto put = [](std::vector<Xapian::Query>& qs, std::vector<Xapian::Query>& to) {
    if (!qs.empty()) to.emplace_back(Xapian::Query::OP_MAX, qs.begin(), qs.end());
  };
  put(fields.kept, parts.kept);
  put(fields.dropped, parts.dropped);
}

void AddText(const Analyzer& a, const std::string& norm, QueryMode mode, double w, Parts& parts,
             std::vector<std::string>& highlight) {
  auto words = a.Words(norm);
  if (mode != QueryMode::kBigrams) {
    for (const auto& t : words) OverFields(parts, t.text, w);
  }
  // Bigrams also serve Latin-free typos; Latin words and numbers only exist as words.
  if (mode != QueryMode::kWords) {
    for (const auto& b : a.Bigrams(norm)) parts.Add("X" + b, kBigramWeight * w);
    if (mode == QueryMode::kBigrams) {
      for (const auto& t : words) {
        if (!t.han) OverFields(parts, t.text, w);
      }
    }
  }
  for (const auto& t : words) {
    if (!t.han || utf8::Length(t.text) >= 2 || words.size() == 1) highlight.push_back(t.text);
  }
  for (const auto& b : a.Bigrams(norm)) {
    if (utf8::Length(b) == 2) highlight.push_back(b);
  }
}

}  // namespace

TextQuery BuildTextQuery(const Analyzer& a, std::string_view text, QueryMode mode, const CommonTerm& common) {
  TextQuery out;
  std::string norm = a.Normalize(text);
  Parts parts{common, {}, {}};
  AddText(a, norm, mode, 1.0, parts, out.highlight);
  // Expansions add their words only: their bigrams multiplied the terms of the dearest queries
  // (高企认定奖励, 专精特新) without finding anything the words miss.
  QueryMode expansion_mode = mode == QueryMode::kWordsAndBigrams ? QueryMode::kWords : mode;
  for (const auto& e : a.Expansions(norm))
    AddText(a, e, expansion_mode, kExpansionWeight, parts, out.highlight);
  const auto& use = parts.kept.empty() ? parts.dropped : parts.kept;
  if (!use.empty()) out.query = Xapian::Query(Xapian::Query::OP_OR, use.begin(), use.end());
  std::sort(out.highlight.begin(), out.highlight.end());
  out.highlight.erase(std::unique(out.highlight.begin(), out.highlight.end()), out.highlight.end());
  return out;
}

core::Result<Xapian::Query> BuildFilter(const SearchQuery& q, core::Date today) {
  std::vector<Xapian::Query> filters;
  auto term = [&](const std::string& prefix, const std::string& v) {
    if (!v.empty()) filters.emplace_back(prefix + v);
  };
  if (!q.level.empty()) HQ_RETURN_IF_ERROR(policy::ParseLevel(q.level));
  term("L", q.level);
  term("Y", q.type);
  term("D", q.department);
  term("K", q.tag);
  if (!q.region.empty()) {
    bool digits = std::all_of(q.region.begin(), q.region.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || q.region.size() > 12) {
      return core::InvalidArgument("region", "invalid_region", "地区应为行政区划代码",
                                   "region must be a GB/T 2260 code");
    }
    filters.emplace_back(RegionTerm(q.region));
  }
  if (!q.kind.empty()) {
    if (q.kind != "policy" && q.kind != "item") {
      return core::InvalidArgument("kind", "invalid_kind", "类型应为 policy 或 item",
                                   "kind must be policy or item");
    }
    term("N", q.kind);
  }
  if (!q.include_repealed) filters.emplace_back("Spublished");
  if (!q.period.empty()) {
    HQ_ASSIGN_OR_RETURN(policy::Period period, policy::ParsePeriod(q.period));
    std::string d = today.ToString();
    filters.emplace_back("Wy");
    using Q = Xapian::Query;
    switch (period) {
      case policy::Period::kOpen:
        filters.emplace_back(Q::OP_VALUE_LE, kSlotWindowStart, d);
        filters.emplace_back(Q::OP_VALUE_GE, kSlotWindowEnd, d);
        break;
      case policy::Period::kUpcoming:
        filters.emplace_back(Q::OP_VALUE_GE, kSlotWindowStart, today.AddDays(1).ToString());
        break;
      case policy::Period::kClosed:
        filters.emplace_back(Q::OP_VALUE_LE, kSlotWindowEnd, today.AddDays(-1).ToString());
        break;
      case policy::Period::kAny:
        break;
    }
  }
  if (filters.empty()) return Xapian::Query::MatchAll;
  return Xapian::Query(Xapian::Query::OP_AND, filters.begin(), filters.end());
}

void FacetSpy::operator()(const Xapian::Document& doc, double) {
  ++seen_;
  for (Xapian::valueno slot : {kSlotLevel, kSlotTypes, kSlotDepartments}) {
    std::string v = doc.get_value(slot);
    auto& m = counts_[slot];
    size_t start = 0;
    while (start < v.size()) {
      size_t end = v.find('\x1f', start);
      if (end == std::string::npos) end = v.size();
      if (end > start) ++m[v.substr(start, end - start)];
      start = end + 1;
    }
  }
}

std::vector<FacetCount> FacetSpy::Counts(Xapian::valueno slot) const {
  std::vector<FacetCount> out;
  auto it = counts_.find(slot);
  if (it == counts_.end()) return out;
  for (const auto& [v, n] : it->second) {
    size_t sep = v.find('\x1e');
    out.push_back({v.substr(0, sep), sep == std::string::npos ? "" : v.substr(sep + 1),
                   static_cast<int64_t>(static_cast<double>(n) * scale_ + 0.5)});
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.count > b.count; });
  return out;
}

}  // namespace huiqi::search::detail
