#include "match/compiled_catalogue.h"

#include <algorithm>
#include <array>
#include <climits>
#include <deque>
#include <map>
#include <unordered_map>

#include "rules/advice.h"

namespace huiqi::match {

namespace {

// Truth values ranked so that and = min, or = max, not = 2 - x (Kleene logic).
constexpr uint8_t kF = 0, kU = 1, kT = 2;
uint8_t Rank(bool b) { return b ? kT : kF; }
rules::Truth TruthOf(uint8_t k) {
  return k == kT ? rules::Truth::kTrue : k == kF ? rules::Truth::kFalse : rules::Truth::kUnknown;
}

// An item's rule as postfix code: the top two bits are the operation, the rest its operand.
constexpr uint32_t kOpLeaf = 0u << 30, kOpAnd = 1u << 30, kOpOr = 2u << 30, kOpNot = 3u << 30;
constexpr uint32_t kOperand = (1u << 30) - 1;

enum class LeafOp : uint8_t {
  kNumCmp,
  kNumBetween,
  kNumIn,
  kTextEq,
  kTextNe,
  kTextIn,
  kUnder,
  kHas,
  kReviewed,   // Unknown for everyone (a department decides)
  kUniversal,  // True for everyone
};

// One distinct condition: a leaf, or not(leaf), as rules::Leaves counts them. Holds its own
// copy of the condition, so items may come and go; lives in a deque, never moved.
struct Condition {
  rules::Node unit;
  const rules::Node* inner = nullptr;  // the leaf: `unit`, or the child of its not
  LeafOp op = LeafOp::kNumCmp;
  bool negate = false;
  bool industry = false;  // kUnder: the industry table (else region)
  bool fact = false;      // on an attribute the enterprise cannot change (rules::OnFact)
  uint32_t slot = 0;      // numeric, text or tag slot
  uint32_t actual_slot = 0;
  std::string description, canonical;
};

// What a trace shows of a condition, packed densely (views into Condition's strings).
struct ConditionText {
  std::string_view description, canonical, attr;
  uint32_t actual_slot = 0;
};

struct Occurrence {
  uint32_t condition;
  const rules::Node* node;
};

struct ItemCode {
  uint32_t code_begin = 0, code_end = 0, occ_begin = 0, occ_end = 0;
  int32_t amount = -1;  // index into amounts, -1: no formula
  int32_t group = -1;   // index into groups, -1: none
  bool has_rule = false;
  bool region_only = false;   // RegionOnly(rule): its conditions are the department's to judge
  bool has_reviewed = false;  // a department-reviewed condition
  bool live = true;           // false: withdrawn (its code stays until the next compile)
};

struct AmountSlot {
  rules::Amount amount;
  bool fixed = false;        // does not depend on the enterprise: estimated once, here
  rules::Estimate estimate;  // fixed formulas
  uint32_t dynamic = 0;      // otherwise: index among the per-enterprise estimates
};

// The enterprise's value of an attribute, in words, as rules::Explain writes it.
struct ActualSlot {
  bool tag = false;
  std::string key;  // attribute key, or tag name
  const rules::AttributeDef* def = nullptr;
  std::string constant;  // reviewed / universal: the same words for every enterprise
};

struct NumValue {
  bool present = false;
  int64_t v = 0;
};

// Dedicated so that every key stays one string (`tag` names and attribute keys cannot clash).
std::string TagSlotKey(std::string_view tag) { return "\x01" + std::string(tag); }

std::string AmountKey(const rules::Amount& a, const rules::Schema& schema) {
  std::string key = std::to_string(static_cast<int>(a.kind)) + "|" + std::to_string(a.fen) + "|" + a.base +
                    "|" + std::to_string(a.rate_ppm) + "|" + (a.cap_fen ? std::to_string(*a.cap_fen) : "-");
  for (const auto& t : a.tiers) key += "|" + rules::Print(t.when, schema) + "=" + std::to_string(t.fen);
  return key;
}

const rules::Estimate kNoEstimate;

}  // namespace

struct CompiledCatalogue::Impl {
  std::vector<const CatalogueItem*> items;  // in catalogue order; withdrawn ones stay, not live
  size_t live_items = 0;
  std::unordered_map<int64_t, uint32_t> index_of_id;
  const rules::Schema& schema;
  rules::CodeNamer namer;
  std::deque<Condition> conditions;
  std::vector<ConditionText> condition_texts;  // per condition, views into `conditions`
  std::vector<std::string> groups;             // exclusivity groups
  std::unordered_map<std::string, int32_t> group_ids;
  std::vector<Occurrence> occurrences;
  std::vector<uint32_t> code;
  std::vector<ItemCode> item_code;
  std::deque<AmountSlot> amounts;  // never moved: estimates point into it
  uint32_t dynamic_amounts = 0;
  std::vector<std::string> num_slots, text_slots, tag_slots;
  std::vector<ActualSlot> actual_slots;
  size_t max_stack = 1;

  std::unordered_map<std::string, uint32_t> condition_ids, amount_ids, num_ids, text_ids, tag_ids, actual_ids;

  Impl(const rules::Schema& s, rules::CodeNamer n) : schema(s), namer(std::move(n)) {}

  static uint32_t SlotOf(std::unordered_map<std::string, uint32_t>& ids, std::vector<std::string>& names,
                         const std::string& name) {
    auto [it, added] = ids.emplace(name, static_cast<uint32_t>(names.size()));
    if (added) names.push_back(name);
    return it->second;
  }

  uint32_t ActualSlotOf(const rules::Node& inner) {
    if (inner.kind == rules::NodeKind::kReviewed || inner.kind == rules::NodeKind::kUniversal) {
      bool reviewed = inner.kind == rules::NodeKind::kReviewed;
      std::string key = reviewed ? "\x02reviewed" : "\x02universal";
      auto [it, added] = actual_ids.emplace(key, static_cast<uint32_t>(actual_slots.size()));
      if (added)
        actual_slots.push_back({false, key, nullptr, reviewed ? std::string(rules::kReviewPending) : ""});
      return it->second;
    }
    bool tag = inner.kind == rules::NodeKind::kHas;
    std::string key = tag ? TagSlotKey(inner.text) : inner.attr;
    auto [it, added] = actual_ids.emplace(key, static_cast<uint32_t>(actual_slots.size()));
    if (added) {
      actual_slots.push_back({tag, tag ? inner.text : inner.attr, tag ? nullptr : schema.Find(inner.attr)});
    }
    return it->second;
  }

  void Classify(Condition& c) {
    const rules::Node& n = *c.inner;
    switch (n.kind) {
      case rules::NodeKind::kHas:
        c.op = LeafOp::kHas;
        c.slot = SlotOf(tag_ids, tag_slots, n.text);
        return;
      case rules::NodeKind::kUnder:
        c.op = LeafOp::kUnder;
        c.industry = n.attr == "industry";
        c.slot = SlotOf(text_ids, text_slots, n.attr);
        return;
      case rules::NodeKind::kReviewed:
        c.op = LeafOp::kReviewed;
        return;
      case rules::NodeKind::kUniversal:
        c.op = LeafOp::kUniversal;
        return;
      default:
        break;
    }
    // As rules::EvaluateLeaf reads kCompare, kIn and kBetween.
    if (n.is_text) {
      c.op = n.kind == rules::NodeKind::kIn ? LeafOp::kTextIn
             : n.cmp == rules::CmpOp::kNe   ? LeafOp::kTextNe
                                            : LeafOp::kTextEq;
      c.slot = SlotOf(text_ids, text_slots, n.attr);
      return;
    }
    c.op = n.kind == rules::NodeKind::kIn        ? LeafOp::kNumIn
           : n.kind == rules::NodeKind::kBetween ? LeafOp::kNumBetween
                                                 : LeafOp::kNumCmp;
    c.slot = SlotOf(num_ids, num_slots, n.attr);
  }

  uint32_t Intern(const rules::Node& unit) {
    std::string key = rules::Print(unit, schema);
    auto [it, added] = condition_ids.emplace(key, static_cast<uint32_t>(conditions.size()));
    if (!added) return it->second;
    Condition& c = conditions.emplace_back();
    c.unit = unit;
    c.negate = unit.kind == rules::NodeKind::kNot;
    c.inner = c.negate ? &c.unit.children[0] : &c.unit;
    Classify(c);
    c.fact = rules::OnFact(unit, schema);
    c.actual_slot = ActualSlotOf(*c.inner);
    c.description = rules::Describe(unit, schema, namer);
    c.canonical = std::move(key);
    condition_texts.push_back({c.description, c.canonical, c.inner->attr, c.actual_slot});
    return it->second;
  }

  // Emits postfix code for `n`; `depth` is the stack height before it, `max_stack` the peak.
  void Emit(const rules::Node& n, size_t depth) {
    max_stack = std::max(max_stack, depth + 1);
    if (n.IsLeaf() || (n.kind == rules::NodeKind::kNot && n.children[0].IsLeaf())) {
      uint32_t id = Intern(n);
      code.push_back(kOpLeaf | id);
      occurrences.push_back({id, &n});
      return;
    }
    for (size_t i = 0; i < n.children.size(); ++i) Emit(n.children[i], depth + i);
    switch (n.kind) {
      case rules::NodeKind::kAnd:
        code.push_back(kOpAnd | static_cast<uint32_t>(n.children.size()));
        break;
      case rules::NodeKind::kOr:
        code.push_back(kOpOr | static_cast<uint32_t>(n.children.size()));
        break;
      default:
        code.push_back(kOpNot);
        break;
    }
  }

  int32_t InternAmount(const rules::Amount& a) {
    auto [it, added] = amount_ids.emplace(AmountKey(a, schema), static_cast<uint32_t>(amounts.size()));
    if (added) {
      AmountSlot& slot = amounts.emplace_back();
      slot.amount = a;
      slot.fixed = a.kind == rules::AmountKind::kFixed;
      if (slot.fixed) {
        slot.estimate = rules::EstimateAmount(a, schema, rules::Facts{}, core::Date::FromDays(0));
      } else {
        slot.dynamic = dynamic_amounts++;
      }
    }
    return static_cast<int32_t>(it->second);
  }

  ItemCode CodeOf(const CatalogueItem& item) {
    ItemCode ic;
    ic.code_begin = static_cast<uint32_t>(code.size());
    ic.occ_begin = static_cast<uint32_t>(occurrences.size());
    if (item.rule) {
      ic.has_rule = true;
      Emit(*item.rule, 0);
      ic.region_only = RegionOnly(*item.rule);
    }
    ic.code_end = static_cast<uint32_t>(code.size());
    ic.occ_end = static_cast<uint32_t>(occurrences.size());
    for (uint32_t o = ic.occ_begin; o < ic.occ_end; ++o)
      ic.has_reviewed = ic.has_reviewed || conditions[occurrences[o].condition].op == LeafOp::kReviewed;
    if (item.amount) ic.amount = InternAmount(*item.amount);
    if (!item.exclusive_group.empty()) {
      auto [it, added] = group_ids.emplace(item.exclusive_group, static_cast<int32_t>(groups.size()));
      if (added) groups.push_back(item.exclusive_group);
      ic.group = it->second;
    }
    return ic;
  }

  // A new item goes last; a new version of one keeps its place.
  void Upsert(const CatalogueItem& item) {
    ItemCode ic = CodeOf(item);
    auto [it, added] = index_of_id.emplace(item.id, static_cast<uint32_t>(items.size()));
    if (added) {
      items.push_back(&item);
      item_code.push_back(ic);
      ++live_items;
      return;
    }
    items[it->second] = &item;
    item_code[it->second] = ic;
  }

  bool Remove(int64_t id) {
    auto it = index_of_id.find(id);
    if (it == index_of_id.end()) return false;
    item_code[it->second].live = false;
    index_of_id.erase(it);
    --live_items;
    return true;
  }
};

// What one match keeps: the verdict of each distinct condition, the enterprise's values in
// words, and the estimates of the formulas that depend on the enterprise.
struct CompiledMatch::State {
  std::vector<uint8_t> truth;       // per condition
  std::vector<std::string> actual;  // per actual slot
  std::deque<rules::Estimate> estimates;
  std::vector<int32_t> estimate_of;  // per dynamic amount: index into estimates, -1 not yet
};

namespace {

// The facts the conditions read, looked up once per enterprise.
struct Resolved {
  std::vector<NumValue> nums;
  std::vector<const std::string*> texts;
  std::vector<const std::optional<int32_t>*> tags;  // nullptr: the enterprise lacks the tag
  bool tags_known = false;
};

NumValue NumberOf(const std::string& attr, const rules::Facts& f, core::Date today) {
  if (attr == "age") {  // derived, as rules::EvaluateLeaf derives it
    auto est = f.numbers.find("established_on");
    if (est == f.numbers.end()) return {};
    return {true, rules::AgeInYears(core::Date::FromDays(static_cast<int32_t>(est->second)), today)};
  }
  auto it = f.numbers.find(attr);
  return it == f.numbers.end() ? NumValue{} : NumValue{true, it->second};
}

bool Compare(int64_t a, rules::CmpOp op, int64_t b) {
  switch (op) {
    case rules::CmpOp::kEq:
      return a == b;
    case rules::CmpOp::kNe:
      return a != b;
    case rules::CmpOp::kLt:
      return a < b;
    case rules::CmpOp::kLe:
      return a <= b;
    case rules::CmpOp::kGt:
      return a > b;
    case rules::CmpOp::kGe:
      return a >= b;
  }
  return false;
}

// "Within N years" cut-offs, worked out once per N per enterprise.
class Cutoffs {
 public:
  explicit Cutoffs(core::Date today) : today_(today) { days_.fill(kUnset); }
  int32_t Of(int years) {
    if (years < 0 || years >= static_cast<int>(days_.size())) return rules::YearsBefore(today_, years).days();
    if (days_[years] == kUnset) days_[years] = rules::YearsBefore(today_, years).days();
    return days_[years];
  }

 private:
  static constexpr int32_t kUnset = INT32_MIN;
  core::Date today_;
  std::array<int32_t, 128> days_;
};

uint8_t EvaluateInner(const Condition& c, const Resolved& r, Cutoffs& cutoffs) {
  const rules::Node& n = *c.inner;
  switch (c.op) {
    case LeafOp::kReviewed:
      return kU;
    case LeafOp::kUniversal:
      return kT;
    case LeafOp::kHas: {
      if (!r.tags_known) return kU;
      const std::optional<int32_t>* date = r.tags[c.slot];
      if (date == nullptr) return kF;
      if (n.within_years == 0) return kT;
      if (!*date) return kU;
      return Rank(**date >= cutoffs.Of(n.within_years));
    }
    case LeafOp::kUnder:
    case LeafOp::kTextEq:
    case LeafOp::kTextNe:
    case LeafOp::kTextIn: {
      const std::string* v = r.texts[c.slot];
      if (v == nullptr) return kU;
      if (c.op == LeafOp::kUnder)
        return Rank(rules::CodeUnder(c.industry ? "industry" : "region", *v, n.text));
      if (c.op == LeafOp::kTextIn)
        return Rank(std::find(n.texts.begin(), n.texts.end(), *v) != n.texts.end());
      return Rank((*v == n.text) != (c.op == LeafOp::kTextNe));
    }
    default: {
      const NumValue& v = r.nums[c.slot];
      if (!v.present) return kU;
      if (c.op == LeafOp::kNumIn)
        return Rank(std::find(n.numbers.begin(), n.numbers.end(), v.v) != n.numbers.end());
      if (c.op == LeafOp::kNumBetween) return Rank(v.v >= n.number && v.v <= n.number2);
      return Rank(Compare(v.v, n.cmp, n.number));
    }
  }
}

std::string ActualText(const ActualSlot& s, const rules::Facts& f, core::Date today,
                       const rules::CodeNamer& namer) {
  if (s.tag) {
    if (!f.tags_known) return "未提供";
    auto it = f.tags.find(s.key);
    if (it == f.tags.end()) return "无";
    return it->second ? "已取得（" + core::Date::FromDays(*it->second).ToString() + "）"
                      : "已取得（日期未知）";
  }
  if (s.def == nullptr) return s.constant;
  if (auto it = f.texts.find(s.key); it != f.texts.end()) {
    std::string name = namer ? namer(s.def->code_table, it->second) : "";
    return name.empty() ? it->second : name + "（" + it->second + "）";
  }
  if (NumValue v = NumberOf(s.key, f, today); v.present) return rules::HumanValue(*s.def, v.v);
  return "未提供";
}

// Runs one item's postfix code; counts the False and Unknown leaves as it goes.
uint8_t Run(const uint32_t* op, const uint32_t* end, const uint8_t* truth, uint8_t* stack, int& failed,
            int& unknown) {
  size_t sp = 0;
  for (; op != end; ++op) {
    uint32_t operand = *op & kOperand;
    switch (*op & ~kOperand) {
      case kOpLeaf: {
        uint8_t k = truth[operand];
        failed += k == kF;
        unknown += k == kU;
        stack[sp++] = k;
        break;
      }
      case kOpAnd: {
        uint8_t acc = kT;
        for (uint32_t i = 0; i < operand; ++i) acc = std::min(acc, stack[--sp]);
        stack[sp++] = acc;
        break;
      }
      case kOpOr: {
        uint8_t acc = kF;
        for (uint32_t i = 0; i < operand; ++i) acc = std::max(acc, stack[--sp]);
        stack[sp++] = acc;
        break;
      }
      default:
        stack[sp - 1] = static_cast<uint8_t>(kT - stack[sp - 1]);
        break;
    }
  }
  return stack[0];
}

// Fewest failed (or unknown) conditions first, stable: a counting sort over small counts.
void SortByCount(std::vector<ItemRef>& refs, int ItemRef::*count) {
  int most = 0;
  for (const auto& r : refs) most = std::max(most, r.*count);
  std::vector<uint32_t> start(static_cast<size_t>(most) + 2, 0);
  for (const auto& r : refs) ++start[r.*count + 1];
  if (start[1] == refs.size()) return;  // all equal
  for (size_t k = 1; k < start.size(); ++k) start[k] += start[k - 1];
  std::vector<ItemRef> sorted(refs.size());
  for (const auto& r : refs) sorted[start[r.*count]++] = r;
  refs = std::move(sorted);
}

}  // namespace

namespace {

Resolved Resolve(const CompiledCatalogue::Impl& c, const rules::Facts& facts, core::Date today) {
  Resolved r;
  r.nums.reserve(c.num_slots.size());
  for (const auto& name : c.num_slots) r.nums.push_back(NumberOf(name, facts, today));
  r.texts.reserve(c.text_slots.size());
  for (const auto& name : c.text_slots) {
    auto it = facts.texts.find(name);
    r.texts.push_back(it == facts.texts.end() ? nullptr : &it->second);
  }
  r.tags_known = facts.tags_known;
  r.tags.reserve(c.tag_slots.size());
  for (const auto& name : c.tag_slots) {
    auto it = facts.tags.find(name);
    r.tags.push_back(it == facts.tags.end() ? nullptr : &it->second);
  }
  return r;
}

void EvaluateConditions(const CompiledCatalogue::Impl& c, const Resolved& r, core::Date today,
                        CompiledMatch::State& st) {
  Cutoffs cutoffs(today);
  st.truth.resize(c.conditions.size());
  for (size_t i = 0; i < c.conditions.size(); ++i) {
    uint8_t k = EvaluateInner(c.conditions[i], r, cutoffs);
    st.truth[i] = c.conditions[i].negate ? static_cast<uint8_t>(kT - k) : k;
  }
}

// Fixed sums were estimated at compile time; the others once per formula per enterprise.
const rules::Estimate* EstimateFor(const CompiledCatalogue::Impl& c, const ItemCode& ic,
                                   const rules::Facts& facts, core::Date today, CompiledMatch::State& st) {
  if (ic.amount < 0) return &kNoEstimate;
  const AmountSlot& a = c.amounts[ic.amount];
  if (a.fixed) return &a.estimate;
  int32_t& at = st.estimate_of[a.dynamic];
  if (at < 0) {
    at = static_cast<int32_t>(st.estimates.size());
    st.estimates.push_back(rules::EstimateAmount(a.amount, c.schema, facts, today));
  }
  return &st.estimates[at];
}

// Highest estimate first, unknown amounts last, catalogue order among equals (what a stable
// sort gives). Items share few formulas, so this is a counting sort over the distinct sums.
void SortByAmount(const CompiledCatalogue::Impl& c, std::vector<ItemRef>& refs) {
  constexpr int64_t kUnseen = INT64_MIN;
  std::vector<int64_t> fen_of(c.amounts.size() + 1, kUnseen);  // by amount slot + 1 (0: none)
  std::vector<uint32_t> slot(refs.size());
  for (size_t i = 0; i < refs.size(); ++i) {
    slot[i] = static_cast<uint32_t>(c.item_code[refs[i].index].amount + 1);
    fen_of[slot[i]] = refs[i].estimate->fen.value_or(-1);
  }
  std::vector<int64_t> distinct;
  for (int64_t fen : fen_of) {
    if (fen != kUnseen) distinct.push_back(fen);
  }
  std::sort(distinct.begin(), distinct.end(), std::greater<>());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  if (distinct.size() < 2) return;
  std::vector<uint32_t> start(distinct.size() + 1, 0);
  for (auto& fen : fen_of) {  // the sum → its rank
    if (fen != kUnseen)
      fen = std::lower_bound(distinct.begin(), distinct.end(), fen, std::greater<>()) - distinct.begin();
  }
  for (uint32_t s : slot) ++start[fen_of[s] + 1];
  for (size_t k = 1; k < start.size(); ++k) start[k] += start[k - 1];
  std::vector<ItemRef> sorted(refs.size());
  for (size_t i = 0; i < refs.size(); ++i) sorted[start[fen_of[slot[i]]]++] = refs[i];
  refs = std::move(sorted);
}

// Eligible items sharing an exclusivity group cannot be combined: recommend the largest (the
// list is already best first) and count only it in the total.
void AdviseExclusivity(const CompiledCatalogue::Impl& c, CompiledMatch& out) {
  std::map<int32_t, std::vector<const CatalogueItem*>> groups;
  for (const auto& v : out.eligible) {
    if (int32_t g = c.item_code[v.index].group; g >= 0) groups[g].push_back(v.item);
  }
  std::vector<const CatalogueItem*> chosen(c.groups.size(), nullptr);
  for (auto& [g, list] : groups) {
    if (list.size() < 2) continue;
    chosen[g] = list.front();
    out.exclusivity.push_back({c.groups[g], std::move(list), chosen[g]});
  }
  std::sort(out.exclusivity.begin(), out.exclusivity.end(),  // by group name
            [](const ExclusivityAdvice& a, const ExclusivityAdvice& b) { return a.group < b.group; });
  for (auto& v : out.eligible) {
    int32_t g = c.item_code[v.index].group;
    if (g >= 0 && chosen[g] != nullptr && chosen[g] != v.item) continue;
    int64_t fen = v.estimate->fen.value_or(0);
    if (fen > 0) {
      v.in_total = true;
      out.eligible_total_fen += fen;
    } else {
      ++out.eligible_without_amount;  // 按实际核定: eligible, but no figure to add
    }
  }
}

}  // namespace

CompiledCatalogue::CompiledCatalogue(const std::vector<CatalogueItem>& items, const rules::Schema& schema,
                                     rules::CodeNamer namer)
    : impl_(std::make_unique<Impl>(schema, std::move(namer))) {
  impl_->items.reserve(items.size());
  impl_->item_code.reserve(items.size());
  for (const auto& item : items) impl_->Upsert(item);
}
CompiledCatalogue::~CompiledCatalogue() = default;
CompiledCatalogue::CompiledCatalogue(CompiledCatalogue&&) noexcept = default;
CompiledCatalogue& CompiledCatalogue::operator=(CompiledCatalogue&&) noexcept = default;

void CompiledCatalogue::Upsert(const CatalogueItem& item) { impl_->Upsert(item); }
bool CompiledCatalogue::Remove(int64_t id) { return impl_->Remove(id); }
size_t CompiledCatalogue::items() const { return impl_->live_items; }
size_t CompiledCatalogue::distinct_conditions() const { return impl_->conditions.size(); }

CompiledMatch CompiledCatalogue::Match(const rules::Facts& facts, core::Date today) const {
  const Impl& c = *impl_;
  CompiledMatch out;
  out.catalogue_ = this;
  CompiledMatch::State& st = *out.state_;
  EvaluateConditions(c, Resolve(c, facts, today), today, st);
  st.actual.reserve(c.actual_slots.size());
  for (const auto& s : c.actual_slots) st.actual.push_back(ActualText(s, facts, today, c.namer));
  st.estimate_of.assign(c.dynamic_amounts, -1);

  // The same conditions with every department-reviewed one taken as held, and with every failing
  // one the enterprise can change taken as held: "待审核" and "a near miss it can act on".
  std::vector<uint8_t> if_reviewed = st.truth, if_changed = st.truth;
  for (size_t i = 0; i < c.conditions.size(); ++i) {
    if (c.conditions[i].op == LeafOp::kReviewed) if_reviewed[i] = kT;
    if (st.truth[i] == kF && !c.conditions[i].fact) if_changed[i] = kT;
  }
  std::vector<uint8_t> stack(c.max_stack);
  for (uint32_t i = 0; i < c.item_code.size(); ++i) {
    const ItemCode& ic = c.item_code[i];
    if (!ic.live) continue;
    if (!ic.has_rule) {
      ++out.without_rule;
      continue;
    }
    ItemRef ref;
    ref.item = c.items[i];
    ref.index = i;
    ref.estimate = &kNoEstimate;
    const uint32_t* begin = c.code.data() + ic.code_begin;
    const uint32_t* end = c.code.data() + ic.code_end;
    uint8_t k = Run(begin, end, st.truth.data(), stack.data(), ref.failed, ref.unknown);
    ref.verdict = TruthOf(k);
    int ignored_failed = 0, ignored_unknown = 0;
    rules::Truth reviewed = rules::Truth::kUnknown, changed = rules::Truth::kFalse;
    if (k == kU && ic.has_reviewed)
      reviewed = TruthOf(Run(begin, end, if_reviewed.data(), stack.data(), ignored_failed, ignored_unknown));
    if (k == kF && ref.failed <= kNearMissLimit)
      changed = TruthOf(Run(begin, end, if_changed.data(), stack.data(), ignored_failed, ignored_unknown));
    ref.standing = StandingOf(*ref.item, ref.verdict, reviewed, changed, ref.failed);
    if (k != kF) ref.estimate = EstimateFor(c, ic, facts, today, st);
    switch (ref.standing) {
      case Standing::kEligible:
        out.eligible.push_back(ref);
        break;
      case Standing::kPendingReview:
        out.pending_review.push_back(ref);
        break;
      case Standing::kUnknown:
        out.unknown.push_back(ref);
        break;
      case Standing::kNearMiss:
        out.near_misses.push_back(ref);
        break;
      case Standing::kForStaff:
        out.for_staff.push_back(ref);
        break;
      case Standing::kNotEligible:
        ++out.not_eligible;
        break;
    }
  }
  SortByAmount(c, out.eligible);
  SortByAmount(c, out.pending_review);
  SortByAmount(c, out.for_staff);
  SortByCount(out.near_misses, &ItemRef::failed);
  SortByCount(out.unknown, &ItemRef::unknown);
  AdviseExclusivity(c, out);
  return out;
}

CompiledMatch::CompiledMatch() : state_(std::make_unique<State>()) {}
CompiledMatch::~CompiledMatch() = default;
CompiledMatch::CompiledMatch(CompiledMatch&&) noexcept = default;
CompiledMatch& CompiledMatch::operator=(CompiledMatch&&) noexcept = default;

size_t CompiledMatch::TraceSize(const ItemRef& ref) const {
  const ItemCode& ic = catalogue_->impl_->item_code[ref.index];
  return ic.occ_end - ic.occ_begin;
}

TraceRef CompiledMatch::TraceAt(const ItemRef& ref, size_t i) const {
  const auto& c = *catalogue_->impl_;
  const Occurrence& occ = c.occurrences[c.item_code[ref.index].occ_begin + i];
  const ConditionText& text = c.condition_texts[occ.condition];
  return {occ.node,       text.description,
          text.canonical, state_->actual[text.actual_slot],
          text.attr,      TruthOf(state_->truth[occ.condition])};
}

ItemVerdict CompiledMatch::Materialize(const ItemRef& ref) const {
  ItemVerdict v;
  v.item = ref.item;
  v.evaluation.verdict = ref.verdict;
  v.evaluation.failed = ref.failed;
  v.evaluation.unknown = ref.unknown;
  size_t n = TraceSize(ref);
  v.evaluation.conditions.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    TraceRef t = TraceAt(ref, i);
    v.evaluation.conditions.push_back({t.node, std::string(t.description), std::string(t.canonical),
                                       std::string(t.actual), std::string(t.attr), t.outcome});
  }
  v.estimate = *ref.estimate;
  v.standing = ref.standing;
  v.in_total = ref.in_total;
  return v;
}

EnterpriseMatch CompiledMatch::ToEnterpriseMatch() const {
  EnterpriseMatch m;
  auto copy = [&](const std::vector<ItemRef>& from, std::vector<ItemVerdict>& to) {
    to.reserve(from.size());
    for (const auto& ref : from) to.push_back(Materialize(ref));
  };
  copy(eligible, m.eligible);
  copy(pending_review, m.pending_review);
  copy(unknown, m.unknown);
  copy(near_misses, m.near_misses);
  copy(for_staff, m.for_staff);
  m.exclusivity = exclusivity;
  m.not_eligible = not_eligible;
  m.without_rule = without_rule;
  m.eligible_total_fen = eligible_total_fen;
  m.eligible_without_amount = eligible_without_amount;
  return m;
}

EnterpriseMatch MatchEnterprise(const CompiledCatalogue& catalogue, const rules::Facts& facts,
                                core::Date today) {
  return catalogue.Match(facts, today).ToEnterpriseMatch();
}

}  // namespace huiqi::match
