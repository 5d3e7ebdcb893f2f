// Policies and items as Xapian documents (layout in schema.h).
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "rules/amount.h"
#include "search/detail/schema.h"

namespace huiqi::search::detail {

namespace {

using nlohmann::json;

constexpr std::string_view kYearRoundStart = "0000-00-00";
constexpr std::string_view kNever = "9999-12-31";

std::string DateText(const std::optional<core::Date>& d) { return d ? d->ToString() : ""; }

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

std::string Facet(std::string_view code, std::string_view label) {
  return std::string(code) + '\x1e' + std::string(label);
}

class Builder {
 public:
  explicit Builder(const Analyzer& a) : a_(a) {}

  // Words under the field's prefix (and the ICU parts of lexicon terms, so a part still
  // matches); bigrams under X with the field's boost.
  void Text(const FieldWeight& f, std::string_view text) {
    if (text.empty()) return;
    std::string norm = a_.Normalize(text);
    for (const auto& t : a_.Words(norm)) {
      doc_.add_term(f.prefix + t.text);
      if (t.lexicon) {
        for (const auto& part : a_.SubWords(t.text)) doc_.add_term(f.prefix + part);
      }
    }
    for (const auto& b : a_.Bigrams(norm)) doc_.add_term("X" + b, f.bigram_wdf);
  }
  void Bool(std::string term) {
    if (term.size() > 240) term = utf8::Prefix(term, 60);
    doc_.add_boolean_term(term);
  }
  void Suggest(std::string_view title) { Bool(SuggestTerm(a_.Normalize(title))); }
  void Value(Xapian::valueno slot, const std::string& v) { doc_.add_value(slot, v); }
  void Region(std::string_view code) {
    std::string r = RegionTerm(code);
    for (size_t n = 3; n <= r.size(); n += 2) Bool(r.substr(0, n));  // R32, R3204, R320412
  }
  void Window(std::string_view start, std::string_view end) {
    Bool("Wy");
    Value(kSlotWindowStart, std::string(start));
    Value(kSlotWindowEnd, std::string(end));
  }
  Xapian::Document Take(const json& data) {
    doc_.set_data(data.dump());
    return std::move(doc_);
  }

 private:
  const Analyzer& a_;
  Xapian::Document doc_;
};

std::pair<std::string, std::string> ItemWindow(const policy::Item& it) {
  switch (it.period_type) {
    case policy::PeriodType::kYearRound:
      return {std::string(kYearRoundStart), std::string(kNever)};
    case policy::PeriodType::kFixed:
      if (it.window_start && it.window_end) return {it.window_start->ToString(), it.window_end->ToString()};
      [[fallthrough]];
    case policy::PeriodType::kPending:
      break;
  }
  return {std::string(kNever), std::string(kNever)};
}

void PolicyFacets(Builder& b, const policy::Policy& p) {
  b.Bool("L" + std::string(policy::LevelCode(p.level)));
  b.Value(kSlotLevel, Facet(policy::LevelCode(p.level), policy::LevelLabel(p.level)));
  std::vector<std::string> types;
  for (const auto& t : p.types) {
    b.Bool("Y" + t.code);
    types.push_back(Facet(t.code, t.label));
  }
  b.Value(kSlotTypes, Join(types, "\x1f"));
  if (p.publish.published_on) b.Value(kSlotPublished, p.publish.published_on->ToString());
}

// Newest first, then the later id: publication date and a zero-padded id.
std::string SortKey(const std::optional<core::Date>& d, int64_t id) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%012lld", static_cast<long long>(id));
  return (d ? d->ToString() : std::string("0000-00-00")) + buf;
}

// The most an item can give, in fen, from its amount formula (fixed value, a rate's cap, the
// highest tier); nullopt when it has none or no ceiling (a rate without a cap).
struct AmountInfo {
  std::optional<int64_t> max_fen;
  std::string text;  // the formula in plain Chinese
};

AmountInfo ItemAmount(const policy::Item& it) {
  static const rules::Schema schema = rules::BuiltinSchema();
  AmountInfo out;
  auto parsed = rules::ParseAmountText(it.amount_json, schema);
  if (!parsed.ok() || !*parsed) return out;
  const rules::Amount& a = **parsed;
  out.text = rules::DescribeAmount(a, schema);
  switch (a.kind) {
    case rules::AmountKind::kFixed:
      out.max_fen = a.fen;
      break;
    case rules::AmountKind::kRate:
      out.max_fen = a.cap_fen;
      break;
    case rules::AmountKind::kTiers:
      for (const auto& t : a.tiers) out.max_fen = std::max(out.max_fen.value_or(0), t.fen);
      break;
  }
  return out;
}

}  // namespace

std::string PolicyTerm(int64_t id) { return "Qp" + std::to_string(id); }
std::string ItemTerm(int64_t id) { return "Qi" + std::to_string(id); }
std::string LineageTerm(int64_t root_id) { return "O" + std::to_string(root_id); }

std::string RegionTerm(std::string_view code) {
  std::string c(code);
  while (c.size() > 2 && c.size() % 2 == 0 && c.ends_with("00")) c.resize(c.size() - 2);
  return "R" + c;
}

std::string SuggestTerm(std::string_view normalized) { return "A" + utf8::Prefix(normalized, 60); }

Xapian::Document PolicyDocument(const Analyzer& a, const policy::Policy& p,
                                const std::vector<policy::Item>& items) {
  Builder b(a);
  b.Text(kTitle, p.title);
  b.Text(kHighlights, Join(p.highlights, "\n"));
  b.Text(kHighlights, Join(p.tags, " "));
  b.Text(kConditions, p.interpretation_text);
  b.Text(kConditions, p.doc_number);
  b.Text(kBody, p.full_text);
  b.Bool(PolicyTerm(p.id));
  b.Bool("Npolicy");
  b.Value(kSlotSort, SortKey(p.publish.published_on, p.id));
  b.Bool("S" + std::string(policy::StatusCode(p.status)));
  PolicyFacets(b, p);
  std::vector<std::string> depts;
  for (const auto& d : p.departments) {
    b.Bool("D" + d.code);
    depts.push_back(Facet(d.code, d.name));
  }
  b.Value(kSlotDepartments, Join(depts, "\x1f"));
  for (const auto& t : p.tags) b.Bool("K" + t);
  b.Region(p.region);
  b.Suggest(p.title);
  std::pair<std::string, std::string> window;  // the span of its items' fixed windows, for hits
  if (!items.empty()) {
    std::string start(kNever), end(kYearRoundStart);
    for (const auto& it : items) {
      auto [s, e] = ItemWindow(it);
      start = std::min(start, s);
      end = std::max(end, e);
      if (it.period_type == policy::PeriodType::kFixed && it.window_start && it.window_end) {
        std::string ws = it.window_start->ToString(), we = it.window_end->ToString();
        if (window.first.empty() || ws < window.first) window.first = ws;
        if (window.second.empty() || we > window.second) window.second = we;
      }
    }
    b.Window(start, end);
  }
  json data = {{"kind", "policy"},
               {"id", p.id},
               {"policy_id", p.id},
               {"key", p.key},
               {"title", p.title},
               {"level", policy::LevelCode(p.level)},
               {"level_label", policy::LevelLabel(p.level)},
               {"department", p.departments.empty() ? "" : p.lead().name},
               {"published_on", DateText(p.publish.published_on)},
               {"status", policy::StatusCode(p.status)},
               {"window_start", window.first},
               {"window_end", window.second},
               {"texts", {Join(p.highlights, "；"), p.interpretation_text, p.full_text}}};
  return b.Take(data);
}

Xapian::Document ItemDocument(const Analyzer& a, const policy::Item& it, const policy::Policy& p) {
  Builder b(a);
  b.Text(kTitle, it.name);
  b.Text(kHighlights, it.subsidy_standard);
  b.Text(kHighlights, Join(it.tags, " "));
  b.Text(kConditions, Join(it.conditions, "\n"));
  b.Text(kConditions, it.scope);
  b.Text(kBody, p.title);
  b.Text(kBody, it.implementing_body);
  b.Bool(ItemTerm(it.id));
  b.Bool("Nitem");
  b.Bool("S" + std::string(policy::StatusCode(p.status)));  // a repealed policy's items are repealed too
  b.Bool(LineageTerm(p.root_id));
  PolicyFacets(b, p);
  std::optional<core::Date> published =
      it.timing.published_on ? it.timing.published_on : p.publish.published_on;
  if (published) b.Value(kSlotPublished, published->ToString());
  b.Value(kSlotSort, SortKey(published, it.id));
  b.Bool("D" + it.department.code);
  b.Value(kSlotDepartments, Facet(it.department.code, it.department.name));
  for (const auto& t : it.tags) b.Bool("K" + t);
  b.Region(it.region.empty() ? p.region : it.region);
  b.Suggest(it.name);
  auto [start, end] = ItemWindow(it);
  b.Window(start, end);
  AmountInfo amount = ItemAmount(it);
  if (amount.max_fen) b.Value(kSlotAmount, Xapian::sortable_serialise(static_cast<double>(*amount.max_fen)));
  json data = {{"kind", "item"},
               {"id", it.id},
               {"policy_id", it.policy_id},
               {"key", it.key},
               {"title", it.name},
               {"level", policy::LevelCode(p.level)},
               {"level_label", policy::LevelLabel(p.level)},
               {"department", it.department.name},
               {"published_on", DateText(published)},
               {"status", policy::StatusCode(p.status)},
               {"period_type", policy::PeriodTypeCode(it.period_type)},
               {"window_start", DateText(it.window_start)},
               {"window_end", DateText(it.window_end)},
               {"amount_max_fen", amount.max_fen ? json(*amount.max_fen) : json()},
               {"amount_text", amount.text.empty() ? it.subsidy_standard : amount.text},
               {"texts", {it.subsidy_standard, Join(it.conditions, "；"), it.scope, p.title}}};
  return b.Take(data);
}

void ReplacePolicy(Xapian::WritableDatabase& db, const Analyzer& a, const policy::Policy& p,
                   const std::vector<policy::Item>& items) {
  db.replace_document(PolicyTerm(p.id), PolicyDocument(a, p, items));
}

void ReplaceLineageItems(Xapian::WritableDatabase& db, const Analyzer& a, int64_t root_id,
                         const std::vector<policy::Item>& items, const policy::Policy& current) {
  db.delete_document(LineageTerm(root_id));
  for (const auto& it : items) db.replace_document(ItemTerm(it.id), ItemDocument(a, it, current));
}

}  // namespace huiqi::search::detail
