#include "match/bitmap_engine.h"

#include <roaring/roaring.hh>

#include <algorithm>
#include <limits>
#include <map>
#include <mutex>
#include <unordered_map>

namespace huiqi::match {

namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr size_t kBins = 64;
constexpr size_t kStride = 8;  // a cumulative bitmap every 8 bins

// Rows where a rule is True and where it is False; the rest are Unknown.
struct TF {
  Roaring t, f;
};

// A numeric column. Values that fit in 32 bits (counts, percentages, dates, flags) are kept in
// 32 bits; a column widens to 64 bits when a value needs it (money in fen).
struct NumColumn {
  bool wide = false;
  std::vector<int32_t> v32;
  std::vector<int64_t> v64;
  Roaring present;
  std::vector<int64_t> cuts;  // bin i: cuts[i] <= v < cuts[i+1]; cuts[0] = kMin
  std::vector<Roaring> bins;
  // at_least[j]: rows in bins >= j * kStride, so a run of whole bins costs one ANDNOT.
  std::vector<Roaring> at_least;
  // When a column has at most kBins distinct values (flags, grades, small counts), bin i holds
  // exactly the value only[i], so no range ever scans a bin.
  std::vector<int64_t> only;

  int64_t Get(uint32_t row) const { return wide ? v64[row] : v32[row]; }
  void Put(uint32_t row, int64_t v) {
    if (!wide && (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max())) {
      wide = true;
      v64.assign(v32.begin(), v32.end());
      v32 = {};
    }
    if (wide) {
      if (v64.size() <= row) v64.resize(row + 1, 0);
      v64[row] = v;
    } else {
      if (v32.size() <= row) v32.resize(row + 1, 0);
      v32[row] = static_cast<int32_t>(v);
    }
  }

  size_t BinOf(int64_t v) const {
    return static_cast<size_t>(std::upper_bound(cuts.begin(), cuts.end(), v) - cuts.begin()) - 1;
  }
  int64_t BinLow(size_t i) const { return only.empty() ? cuts[i] : only[i]; }
  int64_t BinHigh(size_t i) const {
    if (!only.empty()) return only[i];
    return i + 1 < cuts.size() ? cuts[i + 1] - 1 : kMax;
  }

  // Rows with lo <= v <= hi among the present ones.
  Roaring Range(int64_t lo, int64_t hi) const {
    Roaring out;
    if (lo > hi) return out;
    if (bins.empty()) {
      for (uint32_t row : present) {
        if (Get(row) >= lo && Get(row) <= hi) out.add(row);
      }
      return out;
    }
    // Whole bins first..last lie inside [lo, hi]; the bins at either edge are scanned.
    size_t first = bins.size(), last = 0;
    for (size_t i = 0; i < bins.size(); ++i) {
      int64_t b_lo = BinLow(i), b_hi = BinHigh(i);
      if (b_hi < lo || b_lo > hi) continue;
      if (b_lo >= lo && b_hi <= hi) {
        first = std::min(first, i);
        last = i;
        continue;
      }
      for (uint32_t row : bins[i]) {
        int64_t v = Get(row);
        if (v >= lo && v <= hi) out.add(row);
      }
    }
    if (first > last) return out;
    // [first, last] = [first, a) ∪ (at_least[a/k] − at_least[b/k]) ∪ [b, last] with a, b on stride marks.
    size_t a = (first + kStride - 1) / kStride * kStride, b = (last + 1) / kStride * kStride;
    std::vector<const Roaring*> parts;
    if (a < b) {
      for (size_t i = first; i < a; ++i) parts.push_back(&bins[i]);
      for (size_t i = b; i <= last; ++i) parts.push_back(&bins[i]);
      Roaring run = b / kStride < at_least.size() ? at_least[a / kStride] - at_least[b / kStride] : at_least[a / kStride];
      out |= run;
    } else {
      for (size_t i = first; i <= last; ++i) parts.push_back(&bins[i]);
    }
    if (!parts.empty()) out |= Roaring::fastunion(parts.size(), parts.data());
    return out;
  }

  void Set(uint32_t row, std::optional<int64_t> v) {
    if (present.contains(row) && !bins.empty()) {
      size_t old = BinOf(Get(row));
      bins[old].remove(row);
      for (size_t j = 0; j * kStride <= old && j < at_least.size(); ++j) at_least[j].remove(row);
    }
    if (!v) {  // nothing stored for an absent value
      present.remove(row);
      return;
    }
    Put(row, *v);
    present.add(row);
    if (!bins.empty()) {
      size_t bin = BinOf(*v);
      if (!only.empty() && only[bin] != *v) only.clear();  // a new value: bins are ranges again
      bins[bin].add(row);
      for (size_t j = 0; j * kStride <= bin && j < at_least.size(); ++j) at_least[j].add(row);
    }
  }

  void Rebuild() {
    std::vector<int64_t> sorted;
    sorted.reserve(present.cardinality());
    for (uint32_t row : present) sorted.push_back(Get(row));
    std::sort(sorted.begin(), sorted.end());
    std::vector<int64_t> distinct;
    for (int64_t v : sorted) {
      if (distinct.empty() || v != distinct.back()) distinct.push_back(v);
      if (distinct.size() > kBins) break;
    }
    cuts.assign(1, kMin);
    only.clear();
    if (!distinct.empty() && distinct.size() <= kBins) {
      cuts.insert(cuts.end(), distinct.begin() + 1, distinct.end());
      only = distinct;
    } else {
      for (size_t i = 1; i < kBins && !sorted.empty(); ++i) {
        int64_t c = sorted[sorted.size() * i / kBins];
        if (c > cuts.back()) cuts.push_back(c);
      }
    }
    bins.assign(cuts.size(), Roaring());
    for (uint32_t row : present) bins[BinOf(Get(row))].add(row);
    for (auto& b : bins) b.runOptimize();
    at_least.assign((bins.size() + kStride - 1) / kStride, Roaring());
    for (size_t j = at_least.size(); j-- > 0;) {
      std::vector<const Roaring*> parts;
      for (size_t i = j * kStride; i < std::min(bins.size(), (j + 1) * kStride); ++i) parts.push_back(&bins[i]);
      at_least[j] = Roaring::fastunion(parts.size(), parts.data());
      if (j + 1 < at_least.size()) at_least[j] |= at_least[j + 1];
      at_least[j].runOptimize();
    }
    v32.shrink_to_fit();
    v64.shrink_to_fit();
  }
};

struct TextColumn {
  std::unordered_map<std::string, Roaring> by_value;
  std::unordered_map<std::string, uint32_t> id_of;  // dictionary: value → id
  std::vector<const std::string*> value_of_id;
  std::vector<uint32_t> id_of_row;                   // per row: dictionary id (valid where present)
  Roaring present;

  void Set(uint32_t row, const std::string* v) {
    if (id_of_row.size() <= row) id_of_row.resize(row + 1, 0);
    if (present.contains(row)) by_value[*value_of_id[id_of_row[row]]].remove(row);
    if (v == nullptr) {
      present.remove(row);
      return;
    }
    auto [it, added] = id_of.emplace(*v, static_cast<uint32_t>(value_of_id.size()));
    if (added) value_of_id.push_back(&it->first);
    id_of_row[row] = it->second;
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
  // Results of leaf conditions, reused across evaluations until the data changes: a what-if
  // sweep over one threshold recomputes only the condition that moves.
  static constexpr size_t kLeafCacheMax = 4096;
  mutable std::mutex cache_mu;
  mutable std::unordered_map<std::string, std::shared_ptr<const TF>> leaf_cache;

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

  void ClearCache() {
    std::lock_guard lock(cache_mu);
    leaf_cache.clear();
  }

  std::shared_ptr<const TF> CachedLeaf(const rules::Node& n, core::Date today) const {
    std::string key = std::to_string(today.days()) + "|" + rules::Print(n, schema);
    {
      std::lock_guard lock(cache_mu);
      if (auto it = leaf_cache.find(key); it != leaf_cache.end()) return it->second;
    }
    auto tf = std::make_shared<const TF>(Leaf(n, today));
    std::lock_guard lock(cache_mu);
    if (leaf_cache.size() >= kLeafCacheMax) leaf_cache.clear();
    leaf_cache.emplace(std::move(key), tf);
    return tf;
  }

  TF Leaf(const rules::Node& n, core::Date today) const {
    switch (n.kind) {
      case rules::NodeKind::kHas: return Has(n, today);
      case rules::NodeKind::kUnder: return Text(n);
      default: return n.is_text ? Text(n) : Numeric(n);
    }
  }

  void Upsert(uint32_t row, const rules::Facts& f) {
    ClearCache();
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
      default: return *CachedLeaf(n, today);
    }
  }
};

BitmapEngine::BitmapEngine(const rules::Schema& schema) : impl_(std::make_unique<Impl>(schema)) {}
BitmapEngine::~BitmapEngine() = default;
BitmapEngine::BitmapEngine(BitmapEngine&&) noexcept = default;
BitmapEngine& BitmapEngine::operator=(BitmapEngine&&) noexcept = default;

void BitmapEngine::Upsert(uint32_t id, const rules::Facts& facts) { impl_->Upsert(id, facts); }

void BitmapEngine::DropCache() { impl_->ClearCache(); }

void BitmapEngine::RebuildBins() {
  impl_->ClearCache();
  for (auto& [key, col] : impl_->nums) col.Rebuild();
  for (auto& [key, col] : impl_->texts) {
    for (auto& [v, rows] : col.by_value) rows.runOptimize();
    col.id_of_row.shrink_to_fit();
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
    bytes += col.v32.capacity() * sizeof(int32_t) + col.v64.capacity() * sizeof(int64_t) + col.present.getSizeInBytes();
    for (const auto& b : col.bins) bytes += b.getSizeInBytes();
    for (const auto& b : col.at_least) bytes += b.getSizeInBytes();
  }
  for (const auto& [k, col] : impl_->texts) {
    bytes += col.present.getSizeInBytes();
    for (const auto& [v, rows] : col.by_value) bytes += rows.getSizeInBytes() + v.size();
    bytes += col.id_of_row.capacity() * sizeof(uint32_t);
  }
  for (const auto& [k, ti] : impl_->tags) {
    bytes += ti.rows.getSizeInBytes() + ti.undated.getSizeInBytes() + ti.date_of.size() * 16;
    for (const auto& [y, rows] : ti.by_year) bytes += rows.getSizeInBytes();
  }
  return bytes;
}

}  // namespace huiqi::match
