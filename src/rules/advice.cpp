#include "rules/advice.h"

namespace huiqi::rules {

namespace {

const Node& Inner(const Node& leaf) { return leaf.kind == NodeKind::kNot ? leaf.children[0] : leaf; }

std::optional<int64_t> Value(const std::string& attr, const Facts& f, core::Date today) {
  if (attr == "age") {
    auto est = f.numbers.find("established_on");
    if (est == f.numbers.end()) return std::nullopt;
    return AgeInYears(core::Date::FromDays(static_cast<int32_t>(est->second)), today);
  }
  auto it = f.numbers.find(attr);
  return it == f.numbers.end() ? std::nullopt : std::optional<int64_t>(it->second);
}

// "营业收入需达到2000万元（当前1500万元，还差500万元）" for the comparison `n` the enterprise fails.
std::string Figure(const Node& n, bool negated, const AttributeDef& a, const Facts& f, core::Date today) {
  auto v = Value(a.key, f, today);
  std::string now = v ? "当前" + HumanValue(a, *v) : "当前未提供";
  CmpOp op = n.cmp;
  if (negated) {  // not (x >= k) is x < k, and so on
    static constexpr CmpOp kFlip[] = {CmpOp::kNe, CmpOp::kEq, CmpOp::kGe, CmpOp::kGt, CmpOp::kLe, CmpOp::kLt};
    op = kFlip[static_cast<int>(op)];
  }
  if (n.kind == NodeKind::kBetween) {
    return a.label + (negated ? "需不在" : "需在") + HumanValue(a, n.number) + "至" +
           HumanValue(a, n.number2) + "之间（" + now + "）";
  }
  switch (op) {
    case CmpOp::kGe:
    case CmpOp::kGt: {
      std::string gap = v && *v < n.number ? "，还差" + HumanValue(a, n.number - *v) : "";
      return a.label + (op == CmpOp::kGe ? "需达到" : "需高于") + HumanValue(a, n.number) + "（" + now + gap +
             "）";
    }
    case CmpOp::kLe:
    case CmpOp::kLt: {
      std::string gap = v && *v > n.number ? "，需减少" + HumanValue(a, *v - n.number) : "";
      return a.label + (op == CmpOp::kLe ? "需不超过" : "需低于") + HumanValue(a, n.number) + "（" + now +
             gap + "）";
    }
    default:
      return a.label + (op == CmpOp::kEq ? "需为" : "需不为") + HumanValue(a, n.number) + "（" + now + "）";
  }
}

std::string TextNow(const AttributeDef& a, const Facts& f) {
  auto it = f.texts.find(a.key);
  return it == f.texts.end() ? "当前未提供" : "当前" + it->second;
}

}  // namespace

bool OnFact(const Node& leaf, const Schema& schema) {
  const Node& n = Inner(leaf);
  if (n.kind == NodeKind::kHas) return leaf.kind == NodeKind::kNot;
  if (n.kind == NodeKind::kReviewed || n.kind == NodeKind::kUniversal) return false;
  const AttributeDef* a = schema.Find(n.attr);
  return a != nullptr && a->fact;
}

std::string RecordedBy(const AttributeDef& attr) {
  if (attr.derived || attr.source.empty() || attr.source == "各部门" || attr.source == "计算" ||
      attr.source == "企业填报")
    return "";
  return attr.source + "部门";
}

std::string ActionFor(const Node& leaf, const Schema& schema, const Facts& facts, core::Date today,
                      const CodeNamer& namer) {
  if (OnFact(leaf, schema)) return "";
  const Node& n = Inner(leaf);
  bool negated = leaf.kind == NodeKind::kNot;
  if (n.kind == NodeKind::kHas) {
    return "需取得“" + n.text + "”" +
           (n.within_years > 0 ? "（近" + std::to_string(n.within_years) + "年内取得）" : "") +
           "；资质由认定部门登记后进入档案";
  }
  if (n.kind == NodeKind::kReviewed || n.kind == NodeKind::kUniversal) return "";
  const AttributeDef* a = schema.Find(n.attr);
  if (a == nullptr) return "";
  std::string what;
  if (a->type == AttrType::kBool) {
    bool want_true = (n.number == 1) == (n.cmp == CmpOp::kEq) ? !negated : negated;
    what = (want_true ? "需为" : "需不再是") + a->label;
  } else if (n.is_text || n.kind == NodeKind::kUnder) {
    what = "需满足“" + Describe(leaf, schema, namer) + "”（" + TextNow(*a, facts) + "）";
  } else if (n.kind == NodeKind::kIn) {
    what = "需满足“" + Describe(leaf, schema, namer) + "”";
  } else {
    what = Figure(n, negated, *a, facts, today);
  }
  if (a->key == "scale") what += "；企业规模按从业人数、营业收入和资产总额计算";
  std::string by = RecordedBy(*a);
  return by.empty() ? what : what + "；该数据由" + by + "提供，如与实际不符可申请更正";
}

std::string ProvideAdvice(const Schema& schema, const std::string& key) {
  const AttributeDef* a = schema.Find(key);
  if (a == nullptr) return "请补充“" + key + "”数据";
  std::string by = RecordedBy(*a);
  return "请补充“" + a->label + "”数据" + (by.empty() ? "" : "（由" + by + "提供）");
}

}  // namespace huiqi::rules
