#include "match/bitmap_engine.h"

#include <roaring/roaring.hh>

#include <algorithm>
#include <limits>
#include <map>
#include <unordered_map>

namespace huiqi::match {

namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr size_t kBins = 64;

// Rows where a rule is True and where it is False; the rest are Unknown.
struct TF {
  Roaring t, f;
};

struct NumColumn {
  std::vector<int64_t> values;
  Roaring present;
  std::vector<int64_t> cuts;  // bin i: cuts[i] <= v < cuts[i+1]; cuts[0] = kMin
  std::vector<Roaring> bins;

  size_t BinOf(int64_t v) const {
    return static_cast<size_t>(std::upper_bound(cuts.begin(), cuts.end(), v) - cuts.begin()) - 1;
  }
  int64_t BinHigh(size_t i) const { return i + 1 < cuts.size() ? cuts[i + 1] - 1 : kMax; }

  // Rows with lo <= v <= hi among the present ones.
  Roaring Range(int64_t lo, int64_t hi) const {
    Roaring out;
    if (lo > hi) return out;
    if (bins.empty()) {
      for (uint32_t row : present) {
        if (values[row] >= lo && values[row] <= hi) out.add(row);
      }
      return out;
    }
    std::vector<const Roaring*> whole;
    for (size_t i = 0; i < bins.size(); ++i) {
      int64_t b_lo = cuts[i], b_hi = BinHigh(i);
      if (b_hi < lo || b_lo > hi) continue;
      if (b_lo >= lo && b_hi <= hi) {
        whole.push_back(&bins[i]);
        continue;
      }
      for (uint32_t row : bins[i]) {
        if (values[row] >= lo && values[row] <= hi) out.add(row);
      }
    }
    if (!whole.empty()) out |= Roaring::fastunion(whole.size(), whole.data());
    return out;
  }

  void Set(uint32_t row, std::optional<int64_t> v) {
    if (values.size() <= row) values.resize(row + 1, 0);
    if (present.contains(row) && !bins.empty()) bins[BinOf(values[row])].remove(row);
    if (!v) {
      present.remove(row);
      return;
    }
    values[row] = *v;
    present.add(row);
    if (!bins.empty()) bins[BinOf(*v)].add(row);
  }

  void Rebuild() {
    std::vector<int64_t> sorted;
    sorted.reserve(present.cardinality());
    for (uint32_t row : present) sorted.push_back(values[row]);
    std::sort(sorted.begin(), sorted.end());
    cuts.assign(1, kMin);
    for (size_t i = 1; i < kBins && !sorted.empty(); ++i) {
      int64_t c = sorted[sorted.size() * i / kBins];
      if (c > cuts.back()) cuts.push_back(c);
    }
    bins.assign(cuts.size(), Roaring());
    for (uint32_t row : present) bins[BinOf(values[row])].add(row);
    for (auto& b : bins) b.runOptimize();
  }
};

struct TextColumn {
  std::unordered_map<std::string, Roaring> by_value;
  std::vector<std::string> value_of_row;
  Roaring present;

  void Set(uint32_t row, const std::string* v) {
    if (value_of_row.size() <= row) value_of_row.resize(row + 1);
    if (present.contains(row)) by_value[value_of_row[row]].remove(row);
    if (v == nullptr) {
      present.remove(row);
      return;
    }
    value_of_row[row] = *v;
    by_value[*v].add(row);
    present.add(row);
  }
};

struct TagIndex {
  Roaring rows;
  Roaring undated;
  std::map<int, Roaring> by_year;  // year acquired → rows
  std::unordered_map<uint32_t, int32_t> date_of;
};

}  // namespace

struct BitmapEngine::Impl {
  const rules::Schema& schema;
  std::unordered_map<std::string, NumColumn> nums;
  std::unordered_map<std::string, TextColumn> texts;
  std::unordered_map<std::string, TagIndex> tags;
  std::vector<std::vector<std::string>> row_tags;
  Roaring tags_known;
  Roaring all;

  explicit Impl(const rules::Schema& s) : schema(s) {}

  void RemoveTags(uint32_t row) {
    if (row >= row_tags.size()) return;
    for (const auto& name : row_tags[row]) {
      TagIndex& ti = tags[name];
      ti.rows.remove(row);
      ti.undated.remove(row);
      if (auto it = ti.date_of.find(row); it != ti.date_of.end()) {
        ti.by_year[core::Date::FromDays(it->second).year()].remove(row);
        ti.date_of.erase(it);
      }
    }
    row_tags[row].clear();
  }

  void Upsert(uint32_t row, const rules::Facts& f) {
    all.add(row);
    for (const auto& a : schema.attributes()) {
      if (a.type == rules::AttrType::kTagSet) continue;
      if (a.type == rules::AttrType::kCode || a.type == rules::AttrType::kEnum) {
        auto it = f.texts.find(a.key);
        texts[a.key].Set(row, it == f.texts.end() ? nullptr : &it->second);
      } else {
        auto it = f.numbers.find(a.key);
        nums[a.key].Set(row, it == f.numbers.end() ? std::nullopt : std::optional<int64_t>(it->second));
      }
    }
    RemoveTags(row);
    if (row_tags.size() <= row) row_tags.resize(row + 1);
    if (!f.tags_known) {
      tags_known.remove(row);
      return;
    }
    tags_known.add(row);
    for (const auto& [name, date] : f.tags) {
      TagIndex& ti = tags[name];
      ti.rows.add(row);
      if (date) {
        ti.date_of[row] = *date;
        ti.by_year[core::Date::FromDays(*date).year()].add(row);
      } else {
        ti.undated.add(row);
      }
      row_tags[row].push_back(name);
    }
  }

  TF Numeric(const rules::Node& n) const {
    TF out;
    auto it = nums.find(n.attr);
    if (it == nums.end()) return out;
    const NumColumn& col = it->second;
    switch (n.kind) {
      case rules::NodeKind::kBetween: out.t = col.Range(n.number, n.number2); break;
      case rules::NodeKind::kIn:
        for (int64_t v : n.numbers) out.t |= col.Range(v, v);
        break;
      default:
        switch (n.cmp) {
          case rules::CmpOp::kEq: out.t = col.Range(n.number, n.number); break;
          case rules::CmpOp::kNe: out.t = col.present - col.Range(n.number, n.number); break;
          case rules::CmpOp::kGe: out.t = col.Range(n.number, kMax); break;
          case rules::CmpOp::kGt: out.t = n.number == kMax ? Roaring() : col.Range(n.number + 1, kMax); break;
          case rules::CmpOp::kLe: out.t = col.Range(kMin, n.number); break;
          case rules::CmpOp::kLt: out.t = n.number == kMin ? Roaring() : col.Range(kMin, n.number - 1); break;
        }
    }
    out.f = col.present - out.t;
    return out;
  }

  TF Text(const rules::Node& n) const {
    TF out;
    auto it = texts.find(n.attr);
    if (it == texts.end()) return out;
    const TextColumn& col = it->second;
    auto rows_of = [&](const std::string& v) {
      auto r = col.by_value.find(v);
      return r == col.by_value.end() ? Roaring() : r->second;
    };
    if (n.kind == rules::NodeKind::kUnder) {
      const rules::AttributeDef* a = schema.Find(n.attr);
      std::string table = a ? a->code_table : "";
      std::vector<const Roaring*> parts;
      for (const auto& [value, rows] : col.by_value) {
        if (rules::CodeUnder(table, value, n.text)) parts.push_back(&rows);
      }
      if (!parts.empty()) out.t = Roaring::fastunion(parts.size(), parts.data());
    } else if (n.kind == rules::NodeKind::kIn) {
      for (const auto& v : n.texts) out.t |= rows_of(v);
    } else {
      out.t = n.cmp == rules::CmpOp::kNe ? col.present - rows_of(n.text) : rows_of(n.text);
    }
    out.f = col.present - out.t;
    return out;
  }

  TF Has(const rules::Node& n, core::Date today) const {
    TF out;
    auto it = tags.find(n.text);
    if (it == tags.end()) {
      out.f = tags_known;
      return out;
    }
    const TagIndex& ti = it->second;
    if (n.within_years == 0) {
      out.t = ti.rows;
      out.f = tags_known - ti.rows;
      return out;
    }
    core::Date cutoff = rules::YearsBefore(today, n.within_years);
    for (const auto& [year, rows] : ti.by_year) {
      if (year > cutoff.year()) {
        out.t |= rows;
      } else if (year == cutoff.year()) {
        for (uint32_t row : rows) {
          if (ti.date_of.at(row) >= cutoff.days()) out.t.add(row);
        }
      }
    }
    out.f = tags_known - out.t - ti.undated;
    return out;
  }

  TF Eval(const rules::Node& n, core::Date today) const {
    switch (n.kind) {
      case rules::NodeKind::kAnd:
      case rules::NodeKind::kOr: {
        TF acc = Eval(n.children[0], today);
        for (size_t i = 1; i < n.children.size(); ++i) {
          TF c = Eval(n.children[i], today);
          if (n.kind == rules::NodeKind::kAnd) {
            acc.t &= c.t;
            acc.f |= c.f;
          } else {
            acc.t |= c.t;
            acc.f &= c.f;
          }
        }
        return acc;
      }
      case rules::NodeKind::kNot: {
        TF c = Eval(n.children[0], today);
        std::swap(c.t, c.f);
        return c;
      }
      case rules::NodeKind::kHas: return Has(n, today);
      case rules::NodeKind::kUnder: return Text(n);
      default: return n.is_text ? Text(n) : Numeric(n);
    }
  }
};

BitmapEngine::BitmapEngine(const rules::Schema& schema) : impl_(std::make_unique<Impl>(schema)) {}
BitmapEngine::~BitmapEngine() = default;
BitmapEngine::BitmapEngine(BitmapEngine&&) noexcept = default;
BitmapEngine& BitmapEngine::operator=(BitmapEngine&&) noexcept = default;

void BitmapEngine::Upsert(uint32_t id, const rules::Facts& facts) { impl_->Upsert(id, facts); }

void BitmapEngine::RebuildBins() {
  for (auto& [key, col] : impl_->nums) col.Rebuild();
  for (auto& [key, col] : impl_->texts) {
    for (auto& [v, rows] : col.by_value) rows.runOptimize();
  }
}

size_t BitmapEngine::size() const { return impl_->all.cardinality(); }

RuleCounts BitmapEngine::Count(const rules::Node& rule, core::Date today) const {
  TF r = impl_->Eval(rules::ExpandDerived(rule, today), today);
  uint64_t total = impl_->all.cardinality();
  uint64_t t = r.t.cardinality();
  return {t, total - t - r.f.cardinality(), total};
}

std::vector<uint32_t> BitmapEngine::Page(const rules::Node& rule, core::Date today, size_t offset,
                                         size_t limit) const {
  TF r = impl_->Eval(rules::ExpandDerived(rule, today), today);
  uint64_t card = r.t.cardinality();
  if (offset >= card) return {};
  std::vector<uint32_t> out(std::min<uint64_t>(limit, card - offset));
  r.t.rangeUint32Array(out.data(), offset, out.size());
  return out;
}

Breakdown BitmapEngine::BreakdownOf(const rules::Node& rule, core::Date today) const {
  TF r = impl_->Eval(rules::ExpandDerived(rule, today), today);
  Breakdown b;
  auto group = [&](const char* attr, size_t prefix_len, std::vector<std::pair<std::string, uint64_t>>& out) {
    auto it = impl_->texts.find(attr);
    if (it == impl_->texts.end()) return;
    std::map<std::string, uint64_t> counts;
    for (const auto& [value, rows] : it->second.by_value) {
      uint64_t c = rows.and_cardinality(r.t);
      if (c > 0) counts[prefix_len ? value.substr(0, prefix_len) : value] += c;
    }
    out.assign(counts.begin(), counts.end());
  };
  group("region", 4, b.by_region);
  group("industry", 1, b.by_industry);
  group("scale", 0, b.by_scale);
  return b;
}

rules::Truth BitmapEngine::VerdictOf(const rules::Node& rule, core::Date today, uint32_t id) const {
  TF r = impl_->Eval(rules::ExpandDerived(rule, today), today);
  if (r.t.contains(id)) return rules::Truth::kTrue;
  if (r.f.contains(id)) return rules::Truth::kFalse;
  return rules::Truth::kUnknown;
}

size_t BitmapEngine::MemoryBytes() const {
  size_t bytes = impl_->all.getSizeInBytes() + impl_->tags_known.getSizeInBytes();
  for (const auto& [k, col] : impl_->nums) {
    bytes += col.values.capacity() * sizeof(int64_t) + col.present.getSizeInBytes();
    for (const auto& b : col.bins) bytes += b.getSizeInBytes();
  }
  for (const auto& [k, col] : impl_->texts) {
    bytes += col.present.getSizeInBytes();
    for (const auto& [v, rows] : col.by_value) bytes += rows.getSizeInBytes() + v.size();
    for (const auto& s : col.value_of_row) bytes += sizeof(std::string) + (s.size() > 15 ? s.size() : 0);
  }
  for (const auto& [k, ti] : impl_->tags) {
    bytes += ti.rows.getSizeInBytes() + ti.undated.getSizeInBytes() + ti.date_of.size() * 16;
    for (const auto& [y, rows] : ti.by_year) bytes += rows.getSizeInBytes();
  }
  return bytes;
}

}  // namespace huiqi::match
