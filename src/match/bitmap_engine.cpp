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

// Rows where a rule is True, and rows where it is not False (True or Unknown). Kept this way
// round because rules are mostly conjunctions: "not False" narrows under `and` just as "True"
// does, so both sides of a conjunction are intersections, which shrink, rather than unions of
// dense "False" sets, which grow. Unknown = nf − t, False = all − nf.
struct TF {
  Roaring t, nf;
};

// A numeric column. Values that fit in 32 bits (counts, percentages, dates, flags) are kept in
// 32 bits; a column widens to 64 bits when a value needs it (money in fen).
struct NumColumn {
  bool wide = false;
  std::vector<int32_t> v32;
  std::vector<int64_t> v64;
  Roaring present;
  Roaring absent;  // indexed rows without a value (all − present), for "not False" sets
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

  // Adds the rows of `bin` with lo <= v <= hi to `out`, collected first and added in one call.
  void ScanBin(const Roaring& bin, int64_t lo, int64_t hi, Roaring& out) const {
    std::vector<uint32_t> rows;
    rows.reserve(bin.cardinality());
    for (uint32_t row : bin) {
      int64_t v = Get(row);
      if (v >= lo && v <= hi) rows.push_back(row);
    }
    if (!rows.empty()) out |= Roaring(rows.size(), rows.data());
  }

  // Rows in bins >= mark, for a mark on a stride boundary (or bins.size(): none).
  const Roaring* AtLeastMark(size_t mark) const { return mark < bins.size() ? &at_least[mark / kStride] : nullptr; }

  // Rows in the whole bins first..last: the cumulative bitmaps at the nearest stride marks,
  // with the few bins between a mark and the range's edge added or taken away, whichever
  // touches fewer bins (at most kStride / 2 per edge).
  Roaring WholeBins(size_t first, size_t last) const {
    size_t end = last + 1;
    size_t a_down = first / kStride * kStride, a_up = std::min(bins.size(), a_down + (first % kStride ? kStride : 0));
    size_t b_down = end / kStride * kStride, b_up = std::min(bins.size(), b_down + (end % kStride ? kStride : 0));
    size_t a = first - a_down <= a_up - first ? a_down : a_up;
    size_t b = end - b_down < b_up - end ? b_down : b_up;
    std::vector<const Roaring*> add;
    if (a >= b) {  // no stride mark worth using: the bins themselves
      for (size_t i = first; i <= last; ++i) add.push_back(&bins[i]);
      return Roaring::fastunion(add.size(), add.data());
    }
    Roaring out = AtLeastMark(b) ? *AtLeastMark(a) - *AtLeastMark(b) : *AtLeastMark(a);
    for (size_t i = first; i < a; ++i) add.push_back(&bins[i]);
    for (size_t i = b; i < end; ++i) add.push_back(&bins[i]);
    for (size_t i = a; i < first; ++i) out -= bins[i];
    for (size_t i = end; i < b; ++i) out -= bins[i];
    if (!add.empty()) out |= Roaring::fastunion(add.size(), add.data());
    return out;
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
    // Whole bins first..last lie inside [lo, hi]; the (at most two) bins at the edges are scanned.
    size_t first = bins.size(), last = 0;
    std::vector<size_t> edges;
    for (size_t i = 0; i < bins.size(); ++i) {
      int64_t b_lo = BinLow(i), b_hi = BinHigh(i);
      if (b_hi < lo || b_lo > hi) continue;
      if (b_lo >= lo && b_hi <= hi) {
        first = std::min(first, i);
        last = i;
      } else {
        edges.push_back(i);
      }
    }
    if (first <= last) out = WholeBins(first, last);
    for (size_t i : edges) ScanBin(bins[i], lo, hi, out);
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
      absent.add(row);
      return;
    }
    Put(row, *v);
    present.add(row);
    absent.remove(row);
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
  Roaring absent;  // indexed rows without a value

  void Set(uint32_t row, const std::string* v) {
    if (id_of_row.size() <= row) id_of_row.resize(row + 1, 0);
    if (present.contains(row)) by_value[*value_of_id[id_of_row[row]]].remove(row);
    if (v == nullptr) {
      present.remove(row);
      absent.add(row);
      return;
    }
    absent.remove(row);
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

using TFPtr = std::shared_ptr<const TF>;

// A sub-rule's result with the key it is cached under and whether it was computed just now.
struct Evaluated {
  TFPtr tf;
  std::string key;
  bool fresh = false;
};

// A conjunction split as rest ∧ last, so a count can take the last step as a cardinality only.
struct AndParts {
  TFPtr rest;
  TFPtr last;  // null: rest is the whole conjunction
};

size_t BytesOf(const TF& tf) { return tf.t.getSizeInBytes() + tf.nf.getSizeInBytes(); }

}  // namespace

struct BitmapEngine::Impl {
  // Results reused across evaluations until the data changes, bounded by their size:
  //  - each condition (leaf, or not(leaf)), by its canonical text, so editing one condition of a
  //    rule recomputes only that one;
  //  - the conjunction of all conditions of an `and` but one, once that one has been seen to
  //    change, so a what-if sweep over one threshold costs one intersection per value.
  static constexpr size_t kCacheBytesMax = size_t{256} << 20;
  mutable std::mutex cache_mu;
  mutable std::unordered_map<std::string, TFPtr> leaf_cache, conj_cache;
  mutable size_t cache_bytes = 0;

  const rules::Schema& schema;
  std::unordered_map<std::string, NumColumn> nums;
  std::unordered_map<std::string, TextColumn> texts;
  std::unordered_map<std::string, TagIndex> tags;
  std::vector<std::vector<std::string>> row_tags;
  Roaring tags_known;
  Roaring tags_unknown;  // all − tags_known
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
    conj_cache.clear();
    cache_bytes = 0;
  }

  TFPtr Lookup(const std::unordered_map<std::string, TFPtr>& cache, const std::string& key) const {
    std::lock_guard lock(cache_mu);
    auto it = cache.find(key);
    return it == cache.end() ? nullptr : it->second;
  }

  void Store(std::unordered_map<std::string, TFPtr>& cache, std::string key, TFPtr tf) const {
    size_t bytes = BytesOf(*tf);
    std::lock_guard lock(cache_mu);
    if (cache_bytes + bytes > kCacheBytesMax) {
      leaf_cache.clear();
      conj_cache.clear();
      cache_bytes = 0;
    }
    if (cache.emplace(std::move(key), std::move(tf)).second) cache_bytes += bytes;
  }

  static std::string DayKey(core::Date today) { return std::to_string(today.days()) + "|"; }

  // A leaf, or not(leaf): from the cache, or computed and cached.
  Evaluated CachedLeaf(const rules::Node& n, core::Date today) const {
    Evaluated e;
    e.key = rules::Print(n, schema);
    std::string cache_key = DayKey(today) + e.key;
    if ((e.tf = Lookup(leaf_cache, cache_key))) return e;
    if (n.kind == rules::NodeKind::kNot) {
      TF inner = Leaf(n.children[0], today);
      e.tf = std::make_shared<const TF>(Negate(inner));
    } else {
      e.tf = std::make_shared<const TF>(Leaf(n, today));
    }
    e.fresh = true;
    Store(leaf_cache, std::move(cache_key), e.tf);
    return e;
  }

  TF Negate(const TF& c) const { return {all - c.nf, all - c.t}; }

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
      tags_unknown.add(row);
      return;
    }
    tags_known.add(row);
    tags_unknown.remove(row);
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
    if (it == nums.end()) {  // never indexed: unknown everywhere
      out.nf = all;
      return out;
    }
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
    out.nf = out.t | col.absent;
    return out;
  }

  TF Text(const rules::Node& n) const {
    TF out;
    auto it = texts.find(n.attr);
    if (it == texts.end()) {
      out.nf = all;
      return out;
    }
    const TextColumn& col = it->second;
    auto rows_of = [&](const std::string& v) -> const Roaring* {
      auto r = col.by_value.find(v);
      return r == col.by_value.end() ? nullptr : &r->second;
    };
    std::vector<const Roaring*> parts;
    if (n.kind == rules::NodeKind::kUnder) {
      const rules::AttributeDef* a = schema.Find(n.attr);
      std::string table = a ? a->code_table : "";
      for (const auto& [value, rows] : col.by_value) {
        if (rules::CodeUnder(table, value, n.text)) parts.push_back(&rows);
      }
    } else if (n.kind == rules::NodeKind::kIn) {
      for (const auto& v : n.texts) {
        if (const Roaring* r = rows_of(v)) parts.push_back(r);
      }
    } else if (const Roaring* r = rows_of(n.text)) {
      parts.push_back(r);
    }
    if (!parts.empty()) out.t = Roaring::fastunion(parts.size(), parts.data());
    bool ne = n.kind != rules::NodeKind::kUnder && n.kind != rules::NodeKind::kIn && n.cmp == rules::CmpOp::kNe;
    if (ne) out.t = col.present - out.t;
    out.nf = out.t | col.absent;
    return out;
  }

  TF Has(const rules::Node& n, core::Date today) const {
    TF out;
    auto it = tags.find(n.text);
    if (it == tags.end()) {  // nobody has it: False where the tags are known
      out.nf = tags_unknown;
      return out;
    }
    const TagIndex& ti = it->second;
    if (n.within_years == 0) {
      out.t = ti.rows;
      out.nf = ti.rows | tags_unknown;
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
    out.nf = out.t | ti.undated | tags_unknown;  // undated: "within N years" cannot be told
    return out;
  }

  static TFPtr AndOf(std::vector<TFPtr> parts) {
    if (parts.size() == 1) return parts[0];
    // Smallest first, so the running intersection is small from the start.
    std::sort(parts.begin(), parts.end(), [](const TFPtr& a, const TFPtr& b) { return a->t.cardinality() < b->t.cardinality(); });
    TF acc{parts[0]->t & parts[1]->t, parts[0]->nf & parts[1]->nf};
    for (size_t i = 2; i < parts.size(); ++i) {
      if (!acc.t.isEmpty()) acc.t &= parts[i]->t;
      acc.nf &= parts[i]->nf;
    }
    return std::make_shared<const TF>(std::move(acc));
  }

  static TFPtr OrOf(const std::vector<TFPtr>& parts) {
    if (parts.size() == 1) return parts[0];
    std::vector<const Roaring*> ts, nfs;
    for (const auto& p : parts) {
      ts.push_back(&p->t);
      nfs.push_back(&p->nf);
    }
    return std::make_shared<const TF>(
        TF{Roaring::fastunion(ts.size(), ts.data()), Roaring::fastunion(nfs.size(), nfs.data())});
  }

  static std::string ConjKey(core::Date today, const std::vector<Evaluated>& kids, size_t except) {
    std::string key = DayKey(today) + "and";
    for (size_t i = 0; i < kids.size(); ++i) {
      if (i != except) key += "\x1f" + kids[i].key;
    }
    return key;
  }

  // An `and` as rest ∧ last. When all its conditions but one are unchanged since the last
  // evaluation (an officer editing one condition, a what-if sweep), rest is the cached
  // conjunction of those others and last the one that moves.
  AndParts SplitAnd(const rules::Node& n, core::Date today, std::string& key, bool& fresh) const {
    std::vector<Evaluated> kids;
    kids.reserve(n.children.size());
    size_t fresh_kids = 0, fresh_at = 0;
    key = "(";
    for (const auto& c : n.children) {
      kids.push_back(Eval(c, today));
      if (kids.back().fresh) fresh_kids++, fresh_at = kids.size() - 1;
      key += (kids.size() > 1 ? "\x1f" : "") + kids.back().key;
    }
    key += ")";
    fresh = fresh_kids > 0;
    if (kids.empty()) return {std::make_shared<const TF>(TF{all, all}), nullptr};  // and of nothing holds
    if (kids.size() == 1) return {kids[0].tf, nullptr};
    if (kids.size() == 2) return {kids[0].tf, kids[1].tf};
    for (size_t i = 0; i < kids.size() && fresh_kids <= 1; ++i) {
      if (fresh_kids == 1 && i != fresh_at) continue;
      if (TFPtr others = Lookup(conj_cache, ConjKey(today, kids, i))) return {others, kids[i].tf};
    }
    std::vector<TFPtr> parts;
    for (size_t i = 0; i < kids.size(); ++i) {
      if (fresh_kids != 1 || i != fresh_at) parts.push_back(kids[i].tf);
    }
    if (fresh_kids == 1) {  // the others are all cached: keep their conjunction for the next value
      TFPtr others = AndOf(std::move(parts));
      Store(conj_cache, ConjKey(today, kids, fresh_at), others);
      return {others, kids[fresh_at].tf};
    }
    std::sort(parts.begin(), parts.end(), [](const TFPtr& a, const TFPtr& b) { return a->t.cardinality() < b->t.cardinality(); });
    TFPtr last = parts.back();  // the largest: only counted against the rest when counting
    parts.pop_back();
    return {AndOf(std::move(parts)), last};
  }

  static TFPtr Join(const AndParts& p) {
    if (!p.last) return p.rest;
    return std::make_shared<const TF>(TF{p.rest->t & p.last->t, p.rest->nf & p.last->nf});
  }

  Evaluated Eval(const rules::Node& n, core::Date today) const {
    if (n.IsLeaf() || (n.kind == rules::NodeKind::kNot && n.children[0].IsLeaf())) return CachedLeaf(n, today);
    Evaluated e;
    switch (n.kind) {
      case rules::NodeKind::kAnd: e.tf = Join(SplitAnd(n, today, e.key, e.fresh)); break;
      case rules::NodeKind::kOr: {
        std::vector<TFPtr> parts;
        e.key = "|(";
        for (const auto& c : n.children) {
          Evaluated k = Eval(c, today);
          e.fresh |= k.fresh;
          e.key += "\x1f" + k.key;
          parts.push_back(std::move(k.tf));
        }
        e.key += ")";
        e.tf = parts.empty() ? std::make_shared<const TF>() : OrOf(parts);
        break;
      }
      default: {  // not of a compound
        Evaluated k = Eval(n.children[0], today);
        e.tf = std::make_shared<const TF>(Negate(*k.tf));
        e.key = "!(" + k.key + ")";
        e.fresh = k.fresh;
      }
    }
    return e;
  }

  RuleCounts CountOf(const rules::Node& rule, core::Date today) const {
    uint64_t t = 0, nf = 0;
    if (rule.kind == rules::NodeKind::kAnd && !rule.children.empty()) {
      std::string key;
      bool fresh = false;
      AndParts p = SplitAnd(rule, today, key, fresh);
      // The last intersection only counted, never built.
      t = p.last ? p.rest->t.and_cardinality(p.last->t) : p.rest->t.cardinality();
      nf = p.last ? p.rest->nf.and_cardinality(p.last->nf) : p.rest->nf.cardinality();
    } else {
      TFPtr r = Eval(rule, today).tf;
      t = r->t.cardinality();
      nf = r->nf.cardinality();
    }
    return {t, nf - t, all.cardinality()};
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
  for (auto& [key, col] : impl_->nums) {
    col.Rebuild();
    col.absent.runOptimize();
  }
  for (auto& [key, col] : impl_->texts) {
    for (auto& [v, rows] : col.by_value) rows.runOptimize();
    col.absent.runOptimize();
    col.id_of_row.shrink_to_fit();
  }
}

size_t BitmapEngine::size() const { return impl_->all.cardinality(); }

RuleCounts BitmapEngine::Count(const rules::Node& rule, core::Date today) const {
  return impl_->CountOf(rules::ExpandDerived(rule, today), today);
}

std::vector<uint32_t> BitmapEngine::Page(const rules::Node& rule, core::Date today, size_t offset,
                                         size_t limit) const {
  TFPtr r = impl_->Eval(rules::ExpandDerived(rule, today), today).tf;
  uint64_t card = r->t.cardinality();
  if (offset >= card) return {};
  std::vector<uint32_t> out(std::min<uint64_t>(limit, card - offset));
  r->t.rangeUint32Array(out.data(), offset, out.size());
  return out;
}

Breakdown BitmapEngine::BreakdownOf(const rules::Node& rule, core::Date today) const {
  TFPtr r = impl_->Eval(rules::ExpandDerived(rule, today), today).tf;
  Breakdown b;
  auto group = [&](const char* attr, size_t prefix_len, std::vector<std::pair<std::string, uint64_t>>& out) {
    auto it = impl_->texts.find(attr);
    if (it == impl_->texts.end()) return;
    std::map<std::string, uint64_t> counts;
    for (const auto& [value, rows] : it->second.by_value) {
      uint64_t c = rows.and_cardinality(r->t);
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
  TFPtr r = impl_->Eval(rules::ExpandDerived(rule, today), today).tf;
  if (r->t.contains(id)) return rules::Truth::kTrue;
  if (r->nf.contains(id)) return rules::Truth::kUnknown;
  return rules::Truth::kFalse;
}

size_t BitmapEngine::MemoryBytes() const {
  size_t bytes = impl_->all.getSizeInBytes() + impl_->tags_known.getSizeInBytes() + impl_->tags_unknown.getSizeInBytes();
  for (const auto& [k, col] : impl_->nums) {
    bytes += col.v32.capacity() * sizeof(int32_t) + col.v64.capacity() * sizeof(int64_t) + col.present.getSizeInBytes() +
             col.absent.getSizeInBytes();
    for (const auto& b : col.bins) bytes += b.getSizeInBytes();
    for (const auto& b : col.at_least) bytes += b.getSizeInBytes();
  }
  for (const auto& [k, col] : impl_->texts) {
    bytes += col.present.getSizeInBytes() + col.absent.getSizeInBytes();
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
