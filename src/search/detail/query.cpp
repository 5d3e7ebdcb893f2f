#include "search/detail/query.h"

#include <algorithm>
#include <cmath>

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

// Words of the questions enterprises type that say nothing about the policy asked for.
constexpr std::string_view kQuestionWords[] = {"我们",   "我司", "本公司", "公司", "一家", "想要", "需要",
                                               "什么",   "怎么", "怎样",   "如何", "哪些", "哪个", "可以",
                                               "能否",   "是否", "有没有", "没有", "多少", "能拿", "给多少",
                                               "怎么办", "办理", "了解",   "请问"};

// The words counted by the minimum-match rule: one-character Han words (的, 能, 补, 钱 …) and the
// question words above are mostly the padding of colloquial queries; a word no document holds is
// no evidence either way, and one most documents hold (企业, 申请) tells nothing apart.
std::shared_ptr<MinMatch> MinMatchOf(const Analyzer& a, const std::string& norm, const TermFreq& share) {
  std::vector<MinMatch::Unit> units;
  std::vector<std::string> seen;
  for (const auto& t : a.Words(norm)) {
    if (t.han && utf8::Length(t.text) < 2) continue;
    if (std::find(std::begin(kQuestionWords), std::end(kQuestionWords), t.text) != std::end(kQuestionWords))
      continue;
    if (std::find(seen.begin(), seen.end(), t.text) != seen.end()) continue;
    seen.push_back(t.text);
    MinMatch::Unit u;
    auto add_word = [&](const std::string& w) {
      for (const auto& f : kFields) u.terms.push_back(f.prefix + w);
    };
    add_word(t.text);
    for (const auto& e : a.Expansions(t.text)) {
      for (const auto& w : a.Words(e)) {
        if (!w.han || utf8::Length(w.text) >= 2) add_word(w.text);
      }
    }
    if (t.han) {
      for (const auto& b : a.Bigrams(t.text)) u.bigrams.push_back("X" + b);
    }
    if (share) {
      double word = 0, any = 0;  // the word (or a synonym) in any field; anything of the unit
      for (const auto& term : u.terms) word = std::max(word, share(term));
      for (const auto& term : u.bigrams) any = std::max(any, share(term));
      if (std::max(word, any) <= 0 || word > 0.5) continue;
    }
    units.push_back(std::move(u));
  }
  if (units.empty()) return nullptr;
  auto needed = static_cast<size_t>(std::ceil(kMinMatchShare * static_cast<double>(units.size())));
  return std::make_shared<MinMatch>(std::move(units), std::max<size_t>(needed, 1));
}

}  // namespace

MinMatch::MinMatch(std::vector<Unit> units, size_t needed) : units_(std::move(units)), needed_(needed) {
  for (const auto& u : units_) {
    all_.insert(all_.end(), u.terms.begin(), u.terms.end());
    all_.insert(all_.end(), u.bigrams.begin(), u.bigrams.end());
  }
  std::sort(all_.begin(), all_.end());
  all_.erase(std::unique(all_.begin(), all_.end()), all_.end());
}

bool MinMatch::operator()(const Xapian::Document& doc) const {
  // One forward walk over the document's (sorted) term list for every term of the query.
  std::vector<char> present(all_.size(), 0);
  Xapian::TermIterator it = doc.termlist_begin(), end = doc.termlist_end();
  for (size_t i = 0; i < all_.size() && it != end; ++i) {
    it.skip_to(all_[i]);
    if (it != end && *it == all_[i]) present[i] = 1;
  }
  auto has = [&](const std::string& term) {
    auto pos = std::lower_bound(all_.begin(), all_.end(), term);
    return pos != all_.end() && *pos == term && present[static_cast<size_t>(pos - all_.begin())];
  };
  size_t matched = 0;
  for (const auto& u : units_) {
    bool ok = std::any_of(u.terms.begin(), u.terms.end(), has);
    if (!ok && !u.bigrams.empty()) {
      auto n = static_cast<size_t>(std::count_if(u.bigrams.begin(), u.bigrams.end(), has));
      ok = n * 2 >= u.bigrams.size() && n > 0;
    }
    if (ok && ++matched >= needed_) return true;
  }
  return false;
}

core::Result<SortBy> ParseSort(std::string_view name) {
  if (name.empty() || name == "relevance") return SortBy::kRelevance;
  if (name == "date") return SortBy::kDate;
  if (name == "amount") return SortBy::kAmount;
  if (name == "deadline") return SortBy::kDeadline;
  return core::InvalidArgument("sort", "invalid_sort", "排序应为 relevance、date、amount 或 deadline",
                               "sort must be relevance, date, amount or deadline");
}

std::string DeadlineKey::operator()(const Xapian::Document& doc) const {
  std::string end = doc.get_value(kSlotWindowEnd);
  if (end.empty()) return "4";          // no window at all (a policy without items)
  if (end == "9999-12-31") return "2";  // year-round or 期限待定: no deadline
  if (end < today_) return "3" + end;   // closed: after every open one
  return "1" + end;                     // open or to come: soonest deadline first
}

TextQuery BuildTextQuery(const Analyzer& a, std::string_view text, QueryMode mode, const CommonTerm& common,
                         const TermFreq& share) {
  TextQuery out;
  std::string norm = a.Normalize(text);
  out.min_match = MinMatchOf(a, norm, share);
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
