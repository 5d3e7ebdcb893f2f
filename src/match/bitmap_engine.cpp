#include "match/bitmap_engine.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <mutex>
#include <roaring/roaring.hh>
#include <unordered_map>

namespace huiqi::match {

namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr size_t kBins = 64;
constexpr size_t kStride = 8;  // a cumulative bitmap every 8 bins

// Rows without a value: a bitmap, and the same as one bit per row, so a small set of rows can
// be intersected with it by probing (an array-against-array merge would walk all of it).
struct RowSet {
  Roaring rows;
  std::vector<uint64_t> bits;

  void Add(uint32_t row) {
    rows.add(row);
    if (bits.size() <= row / 64) bits.resize(row / 64 + 1, 0);
    bits[row / 64] |= uint64_t{1} << (row % 64);
  }
  void Remove(uint32_t row) {
    rows.remove(row);
    if (row / 64 < bits.size()) bits[row / 64] &= ~(uint64_t{1} << (row % 64));
  }
  bool Has(uint32_t row) const { return row / 64 < bits.size() && (bits[row / 64] >> (row % 64)) & 1; }
  size_t Bytes() const { return rows.getSizeInBytes() + bits.capacity() * sizeof(uint64_t); }
};

// Rows where a rule is True and rows where it is Unknown (disjoint); the rest are False.
// Unknown rows are few (missing data), so a condition's are usually the column's absent rows,
// shared rather than copied, and a conjunction's "not False" rows, ∧(t ∪ u), are built from a
// sparse running intersection, A ∧ (t ∪ u) = (A ∧ t) ∪ (A ∧ u), never from dense unions.
struct TF {
  Roaring t;
  Roaring u{};                        // Unknown rows, when not shared
  const Roaring* shared_u = nullptr;  // Unknown rows held by the index (valid until the next Upsert)
  const RowSet* u_set = nullptr;      // the same with its bits, when it is a RowSet
  const Roaring* known = nullptr;     // all − U, when the index holds it (a column's present rows)
  Roaring nf{};                       // t ∪ u, kept where it was built anyway (conjunctions)
  bool has_nf = false;
  const Roaring& U() const { return shared_u ? *shared_u : u; }
};

TF Shared(Roaring t, const Roaring& u) {
  TF out;
  out.t = std::move(t);
  out.shared_u = &u;
  return out;
}

// `known` must be exactly the indexed rows outside `u`.
TF Shared(Roaring t, const RowSet& u, const Roaring& known) {
  TF out = Shared(std::move(t), u.rows);
  out.u_set = &u;
  out.known = &known;
  return out;
}

// A numeric column. Values that fit in 32 bits (counts, percentages, dates, flags) are kept in
// 32 bits; a column widens to 64 bits when a value needs it (money in fen).
struct NumColumn {
  bool wide = false;
  std::vector<int32_t> v32;
  std::vector<int64_t> v64;
  Roaring present;
  RowSet absent;              // indexed rows without a value (all − present): a condition's Unknown rows
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
    std::vector<uint32_t> rows(bin.cardinality());
    bin.toUint32Array(rows.data());  // much faster than stepping an iterator
    // A bin's rows are spread over the whole column: fetch values ahead, or every read waits
    // on memory once the column outgrows the cache (10M rows).
    constexpr size_t kAhead = 16;
    size_t kept = 0;
    for (size_t j = 0; j < rows.size(); ++j) {
      if (j + kAhead < rows.size()) {
        uint32_t ahead = rows[j + kAhead];
        __builtin_prefetch(wide ? static_cast<const void*>(&v64[ahead])
                                : static_cast<const void*>(&v32[ahead]));
      }
      uint32_t row = rows[j];
      int64_t v = Get(row);
      rows[kept] = row;
      kept += v >= lo && v <= hi;
    }
    out.addMany(kept, rows.data());  // sorted: appended container by container
  }

  // Rows in bins >= mark, for a mark on a stride boundary (or bins.size(): none).
  const Roaring* AtLeastMark(size_t mark) const {
    return mark < bins.size() ? &at_least[mark / kStride] : nullptr;
  }

  uint64_t CardOf(size_t from, size_t to) const {  // rows in bins [from, to)
    uint64_t n = 0;
    for (size_t i = from; i < to; ++i) n += bins[i].cardinality();
    return n;
  }

  // Rows in the whole bins first..last. Either the union of those bins, or the cumulative
  // bitmaps at the nearest stride marks with the few bins between a mark and the range's edge
  // added or taken away — whichever touches fewer rows (a bitset copy costs about a sixteenth of
  // a row each, adding or removing a listed row about one).
  Roaring WholeBins(size_t first, size_t last) const {
    size_t end = last + 1;
    size_t a_down = first / kStride * kStride,
           a_up = std::min(bins.size(), a_down + (first % kStride ? kStride : 0));
    size_t b_down = end / kStride * kStride,
           b_up = std::min(bins.size(), b_down + (end % kStride ? kStride : 0));
    uint64_t a_sub = CardOf(a_down, first), a_add = CardOf(first, a_up);
    uint64_t b_add = CardOf(b_down, end), b_sub = CardOf(end, b_up);
    size_t a = a_sub < a_add ? a_down : a_up;
    size_t b = b_add <= b_sub ? b_down : b_up;
    std::vector<const Roaring*> add;
    uint64_t direct = CardOf(first, end);
    uint64_t marked = std::min(a_sub, a_add) + std::min(b_add, b_sub) +
                      (a < bins.size() ? at_least[a / kStride].cardinality() / 16 : 0);
    if (first == last) return bins[first];
    if (a >= b || direct <= marked) {
      for (size_t i = first; i <= last; ++i) add.push_back(&bins[i]);
      return Roaring::fastunion(add.size(), add.data());
    }
    // Edge bins go straight into the (dense) result: a separate union of them would be built
    // lazily and then converted back to arrays, only to be merged in again.
    Roaring out = AtLeastMark(b) ? *AtLeastMark(a) - *AtLeastMark(b) : *AtLeastMark(a);
    for (size_t i = first; i < a; ++i) out |= bins[i];
    for (size_t i = b; i < end; ++i) out |= bins[i];
    for (size_t i = a; i < first; ++i) out -= bins[i];
    for (size_t i = end; i < b; ++i) out -= bins[i];
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
      absent.Add(row);
      return;
    }
    Put(row, *v);
    present.add(row);
    absent.Remove(row);
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
      for (size_t i = j * kStride; i < std::min(bins.size(), (j + 1) * kStride); ++i)
        parts.push_back(&bins[i]);
      at_least[j] = Roaring::fastunion(parts.size(), parts.data());
      if (j + 1 < at_least.size()) at_least[j] |= at_least[j + 1];
      at_least[j].runOptimize();
    }
    v32.shrink_to_fit();
    v64.shrink_to_fit();
  }
};

// The prefixes a code is indexed under, for `under` on the levels rules name most: a region's
// province and city ("32", "3205"), an industry's section and division ("C", "39"). Each must
// select exactly what rules::CodeUnder selects for that prefix.
std::vector<std::string> IndexedPrefixes(std::string_view table, std::string_view code) {
  std::vector<std::string> out;
  if (table == "region") {
    if (code.size() >= 2) out.emplace_back(code.substr(0, 2));
    if (code.size() >= 4) out.emplace_back(code.substr(0, 4));
  } else if (table == "industry" && !code.empty()) {
    bool lettered = std::isalpha(static_cast<unsigned char>(code[0]));
    if (lettered) out.emplace_back(code.substr(0, 1));
    std::string_view digits = lettered ? code.substr(1) : code;
    if (digits.size() >= 2) out.emplace_back(digits.substr(0, 2));
  }
  return out;
}

// Whether `prefix` has the shape IndexedPrefixes gives for `table`.
bool IsIndexedPrefix(std::string_view table, std::string_view prefix) {
  auto digits = [&] {
    return std::all_of(prefix.begin(), prefix.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (table == "region") return (prefix.size() == 2 || prefix.size() == 4) && digits();
  if (table == "industry") {
    return (prefix.size() == 1 && std::isalpha(static_cast<unsigned char>(prefix[0]))) ||
           (prefix.size() == 2 && digits());
  }
  return false;
}

struct TextColumn {
  std::string table;  // code table ("region", "industry") of a code column, else empty
  std::unordered_map<std::string, Roaring> by_value;
  std::unordered_map<std::string, Roaring> by_prefix;  // see IndexedPrefixes
  std::unordered_map<std::string, uint32_t> id_of;     // dictionary: value → id
  std::vector<const std::string*> value_of_id;
  std::vector<std::vector<Roaring*>> rows_of_id;  // per id: its by_value and by_prefix bitmaps
  std::vector<uint32_t> id_of_row;                // per row: dictionary id (valid where present)
  Roaring present;
  RowSet absent;  // indexed rows without a value

  uint32_t IdOf(const std::string& v) {
    auto [it, added] = id_of.emplace(v, static_cast<uint32_t>(value_of_id.size()));
    if (added) {
      value_of_id.push_back(&it->first);
      std::vector<Roaring*> rows = {&by_value[v]};
      for (const auto& p : IndexedPrefixes(table, v)) rows.push_back(&by_prefix[p]);
      rows_of_id.push_back(std::move(rows));
    }
    return it->second;
  }

  void Set(uint32_t row, const std::string* v) {
    if (id_of_row.size() <= row) id_of_row.resize(row + 1, 0);
    if (present.contains(row)) {
      for (Roaring* r : rows_of_id[id_of_row[row]]) r->remove(row);
    }
    if (v == nullptr) {
      present.remove(row);
      absent.Add(row);
      return;
    }
    absent.Remove(row);
    id_of_row[row] = IdOf(*v);
    for (Roaring* r : rows_of_id[id_of_row[row]]) r->add(row);
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

size_t BytesOf(const TF& tf) { return tf.t.getSizeInBytes() + tf.u.getSizeInBytes(); }

// Rows where `a` is not False, given as their True and Unknown rows.
// Rows where `a` is not False: held, or built into `scratch`.
const Roaring& NotFalse(const TF& a, Roaring& scratch) {
  if (a.has_nf) return a.nf;
  scratch = a.t | a.U();
  return scratch;
}

// Whether probing p's Unknown bits row by row beats intersecting with its Unknown bitmap.
bool ProbeU(const Roaring& acc, const TF& p) {
  return p.u_set && acc.cardinality() * 16 < p.U().cardinality();
}

std::vector<uint32_t> RowsOf(const Roaring& r) {
  std::vector<uint32_t> rows(r.cardinality());
  r.toUint32Array(rows.data());
  return rows;
}

// acc ∧ p.u
Roaring AndU(const Roaring& acc, const TF& p) {
  if (!ProbeU(acc, p)) return acc & p.U();
  std::vector<uint32_t> rows = RowsOf(acc);
  size_t kept = 0;
  for (uint32_t row : rows) {
    rows[kept] = row;
    kept += p.u_set->Has(row);
  }
  return Roaring(kept, rows.data());
}

// |acc ∧ p.u|
uint64_t AndUCardinality(const Roaring& acc, const TF& p) {
  if (!ProbeU(acc, p)) return acc.and_cardinality(p.U());
  uint64_t n = 0;
  for (uint32_t row : RowsOf(acc)) n += p.u_set->Has(row);
  return n;
}

// acc ∧ (p.t ∪ p.u), with p.t and p.u disjoint.
Roaring AndNotFalse(const Roaring& acc, const TF& p) {
  Roaring out = acc & p.t;
  if (!p.U().isEmpty()) out |= AndU(acc, p);
  return out;
}

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
  RowSet tags_unknown;  // all − tags_known
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

  // not: True where it was False, Unknown stays Unknown.
  TF Negate(const TF& c) const {
    TF out;
    if (c.known) {  // one subtraction instead of two
      out.t = *c.known - c.t;
    } else {
      out.t = all - c.t;
      out.t -= c.U();
    }
    if (c.shared_u) {
      out.shared_u = c.shared_u;
      out.u_set = c.u_set;
    } else {
      out.u = c.u;
    }
    return out;
  }

  TF Leaf(const rules::Node& n, core::Date today) const {
    switch (n.kind) {
      case rules::NodeKind::kReviewed:  // a department decides: Unknown for every enterprise
        return Shared(Roaring(), all);
      case rules::NodeKind::kUniversal: {
        TF out;
        out.t = all;
        return out;
      }
      case rules::NodeKind::kHas:
        return Has(n, today);
      case rules::NodeKind::kUnder:
        return Text(n);
      default:
        return n.is_text ? Text(n) : Numeric(n);
    }
  }

  void Upsert(uint32_t row, const rules::Facts& f) {
    ClearCache();
    all.add(row);
    for (const auto& a : schema.attributes()) {
      if (a.type == rules::AttrType::kTagSet) continue;
      if (a.type == rules::AttrType::kCode || a.type == rules::AttrType::kEnum) {
        auto it = f.texts.find(a.key);
        TextColumn& col = texts[a.key];
        if (col.value_of_id.empty()) col.table = a.code_table;
        col.Set(row, it == f.texts.end() ? nullptr : &it->second);
      } else {
        auto it = f.numbers.find(a.key);
        nums[a.key].Set(row, it == f.numbers.end() ? std::nullopt : std::optional<int64_t>(it->second));
      }
    }
    RemoveTags(row);
    if (row_tags.size() <= row) row_tags.resize(row + 1);
    if (!f.tags_known) {
      tags_known.remove(row);
      tags_unknown.Add(row);
      return;
    }
    tags_known.add(row);
    tags_unknown.Remove(row);
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
    if (it == nums.end()) return Shared(Roaring(), all);  // never indexed: unknown everywhere
    const NumColumn& col = it->second;
    switch (n.kind) {
      case rules::NodeKind::kBetween:
        out.t = col.Range(n.number, n.number2);
        break;
      case rules::NodeKind::kIn:
        for (int64_t v : n.numbers) out.t |= col.Range(v, v);
        break;
      default:
        switch (n.cmp) {
          case rules::CmpOp::kEq:
            out.t = col.Range(n.number, n.number);
            break;
          case rules::CmpOp::kNe:
            out.t = col.present - col.Range(n.number, n.number);
            break;
          case rules::CmpOp::kGe:
            out.t = col.Range(n.number, kMax);
            break;
          case rules::CmpOp::kGt:
            out.t = n.number == kMax ? Roaring() : col.Range(n.number + 1, kMax);
            break;
          case rules::CmpOp::kLe:
            out.t = col.Range(kMin, n.number);
            break;
          case rules::CmpOp::kLt:
            out.t = n.number == kMin ? Roaring() : col.Range(kMin, n.number - 1);
            break;
        }
    }
    return Shared(std::move(out.t), col.absent, col.present);
  }

  TF Text(const rules::Node& n) const {
    TF out;
    auto it = texts.find(n.attr);
    if (it == texts.end()) return Shared(Roaring(), all);
    const TextColumn& col = it->second;
    auto rows_of = [&](const std::string& v) -> const Roaring* {
      auto r = col.by_value.find(v);
      return r == col.by_value.end() ? nullptr : &r->second;
    };
    std::vector<const Roaring*> parts;
    if (n.kind == rules::NodeKind::kUnder) {
      const rules::AttributeDef* a = schema.Find(n.attr);
      std::string table = a ? a->code_table : "";
      if (table == col.table && IsIndexedPrefix(table, n.text)) {  // one bitmap, kept by Set
        auto p = col.by_prefix.find(n.text);
        return Shared(p == col.by_prefix.end() ? Roaring() : p->second, col.absent, col.present);
      }
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
    bool ne =
        n.kind != rules::NodeKind::kUnder && n.kind != rules::NodeKind::kIn && n.cmp == rules::CmpOp::kNe;
    if (ne) out.t = col.present - out.t;
    return Shared(std::move(out.t), col.absent, col.present);
  }

  TF Has(const rules::Node& n, core::Date today) const {
    TF out;
    auto it = tags.find(n.text);
    if (it == tags.end())
      return Shared(Roaring(), tags_unknown, tags_known);  // nobody has it: False where tags are known
    const TagIndex& ti = it->second;
    if (n.within_years == 0) return Shared(ti.rows, tags_unknown, tags_known);
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
    out.u = ti.undated | tags_unknown.rows;  // undated: "within N years" cannot be told
    out.u -= out.t;
    return out;
  }

  static TFPtr AndOf(std::vector<TFPtr> parts) {
    if (parts.size() == 1) return parts[0];
    // Smallest first, so the running intersection is small from the start.
    std::sort(parts.begin(), parts.end(),
              [](const TFPtr& a, const TFPtr& b) { return a->t.cardinality() < b->t.cardinality(); });
    TF acc;
    acc.t = parts[0]->t & parts[1]->t;
    for (size_t i = 2; i < parts.size() && !acc.t.isEmpty(); ++i) acc.t &= parts[i]->t;
    // The not-False side in its own order, smallest not-False set first (t and u are disjoint).
    auto nf_size = [](const TFPtr& p) {
      return p->has_nf ? p->nf.cardinality() : p->t.cardinality() + p->U().cardinality();
    };
    std::sort(parts.begin(), parts.end(),
              [&](const TFPtr& a, const TFPtr& b) { return nf_size(a) < nf_size(b); });
    Roaring scratch;
    Roaring nf = AndNotFalse(NotFalse(*parts[0], scratch), *parts[1]);
    for (size_t i = 2; i < parts.size(); ++i) nf = AndNotFalse(nf, *parts[i]);
    acc.u = nf - acc.t;
    acc.nf = std::move(nf);
    acc.has_nf = true;
    return std::make_shared<const TF>(std::move(acc));
  }

  static TFPtr OrOf(const std::vector<TFPtr>& parts) {
    if (parts.size() == 1) return parts[0];
    std::vector<const Roaring*> ts, us;
    for (const auto& p : parts) {
      ts.push_back(&p->t);
      us.push_back(&p->U());
    }
    TF out;
    out.t = Roaring::fastunion(ts.size(), ts.data());
    out.u = Roaring::fastunion(us.size(), us.data());
    out.u -= out.t;
    return std::make_shared<const TF>(std::move(out));
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
    if (kids.empty()) return {std::make_shared<const TF>(TF{all}), nullptr};  // and of nothing holds
    if (kids.size() == 1) return {kids[0].tf, nullptr};
    if (kids.size() == 2) {  // the smaller as rest: its "not False" rows are built when counting
      bool swap = kids[1].tf->t.cardinality() < kids[0].tf->t.cardinality();
      return {kids[swap ? 1 : 0].tf, kids[swap ? 0 : 1].tf};
    }
    for (size_t i = 0; i < kids.size() && fresh_kids <= 1; ++i) {
      if (fresh_kids == 1 && i != fresh_at) continue;
      if (TFPtr others = Lookup(conj_cache, ConjKey(today, kids, i))) return {others, kids[i].tf};
    }
    // Set apart the one condition that moved, else the largest (only counted against the rest
    // when counting); keep the conjunction of the others for the next evaluation.
    size_t apart = fresh_at;
    if (fresh_kids != 1) {
      apart = 0;
      for (size_t i = 1; i < kids.size(); ++i) {
        if (kids[i].tf->t.cardinality() > kids[apart].tf->t.cardinality()) apart = i;
      }
    }
    std::vector<TFPtr> parts;
    for (size_t i = 0; i < kids.size(); ++i) {
      if (i != apart) parts.push_back(kids[i].tf);
    }
    TFPtr others = AndOf(std::move(parts));
    Store(conj_cache, ConjKey(today, kids, apart), others);
    return {others, kids[apart].tf};
  }

  static TFPtr Join(const AndParts& p) {
    if (!p.last) return p.rest;
    TF out;
    out.t = p.rest->t & p.last->t;
    Roaring scratch;
    out.nf = AndNotFalse(NotFalse(*p.rest, scratch), *p.last);
    out.has_nf = true;
    out.u = out.nf - out.t;
    return std::make_shared<const TF>(std::move(out));
  }

  Evaluated Eval(const rules::Node& n, core::Date today) const {
    if (n.IsLeaf() || (n.kind == rules::NodeKind::kNot && n.children[0].IsLeaf()))
      return CachedLeaf(n, today);
    Evaluated e;
    switch (n.kind) {
      case rules::NodeKind::kAnd:
        e.tf = Join(SplitAnd(n, today, e.key, e.fresh));
        break;
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
    uint64_t t = 0, u = 0;
    if (rule.kind == rules::NodeKind::kAnd && !rule.children.empty()) {
      std::string key;
      bool fresh = false;
      AndParts p = SplitAnd(rule, today, key, fresh);
      // The last intersection only counted, never built.
      t = p.last ? p.rest->t.and_cardinality(p.last->t) : p.rest->t.cardinality();
      if (p.last) {  // |A ∧ (t ∪ u)| = |A ∧ t| + |A ∧ u|, t and u disjoint
        Roaring scratch;
        const Roaring& rest_nf = NotFalse(*p.rest, scratch);
        u = rest_nf.and_cardinality(p.last->t) + AndUCardinality(rest_nf, *p.last) - t;
      } else {
        u = p.rest->U().cardinality();
      }
    } else {
      TFPtr r = Eval(rule, today).tf;
      t = r->t.cardinality();
      u = r->U().cardinality();
    }
    return {t, u, all.cardinality()};
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
    col.absent.rows.runOptimize();
  }
  for (auto& [key, col] : impl_->texts) {
    for (auto& [v, rows] : col.by_value) rows.runOptimize();
    for (auto& [v, rows] : col.by_prefix) rows.runOptimize();
    col.absent.rows.runOptimize();
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
  if (r->U().contains(id)) return rules::Truth::kUnknown;
  return rules::Truth::kFalse;
}

size_t BitmapEngine::MemoryBytes() const {
  size_t bytes =
      impl_->all.getSizeInBytes() + impl_->tags_known.getSizeInBytes() + impl_->tags_unknown.Bytes();
  for (const auto& [k, col] : impl_->nums) {
    bytes += col.v32.capacity() * sizeof(int32_t) + col.v64.capacity() * sizeof(int64_t) +
             col.present.getSizeInBytes() + col.absent.Bytes();
    for (const auto& b : col.bins) bytes += b.getSizeInBytes();
    for (const auto& b : col.at_least) bytes += b.getSizeInBytes();
  }
  for (const auto& [k, col] : impl_->texts) {
    bytes += col.present.getSizeInBytes() + col.absent.Bytes();
    for (const auto& [v, rows] : col.by_value) bytes += rows.getSizeInBytes() + v.size();
    for (const auto& [v, rows] : col.by_prefix) bytes += rows.getSizeInBytes() + v.size();
    bytes += col.id_of_row.capacity() * sizeof(uint32_t);
  }
  for (const auto& [k, ti] : impl_->tags) {
    bytes += ti.rows.getSizeInBytes() + ti.undated.getSizeInBytes() + ti.date_of.size() * 16;
    for (const auto& [y, rows] : ti.by_year) bytes += rows.getSizeInBytes();
  }
  return bytes;
}

}  // namespace huiqi::match
