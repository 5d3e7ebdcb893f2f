// Canonical printing and plain-Chinese rendering of rules.

#include "core/date.h"
#include "core/money.h"
#include "rules/rule.h"

namespace huiqi::rules {

namespace {

std::string Scaled(int64_t v, int digits) {
  std::string sign = v < 0 ? "-" : "";
  uint64_t a = v < 0 ? static_cast<uint64_t>(-v) : static_cast<uint64_t>(v);
  uint64_t div = 1;
  for (int i = 0; i < digits; ++i) div *= 10;
  std::string s = std::to_string(a / div);
  uint64_t frac = a % div;
  if (frac != 0) {
    std::string f = std::to_string(frac);
    f = std::string(static_cast<size_t>(digits) - f.size(), '0') + f;
    while (!f.empty() && f.back() == '0') f.pop_back();
    s += "." + f;
  }
  return sign + s;
}

// The language has no escapes: a value holding an ASCII quote (专精特新"小巨人") is written in
// Chinese quotes, which the lexer also accepts, so Parse(Print(x)) == x still holds.
std::string Quote(std::string_view s) {
  if (s.find('"') != std::string_view::npos) return "“" + std::string(s) + "”";
  return "\"" + std::string(s) + "\"";
}

bool NeedsParens(const Node& child, NodeKind parent) {
  return (child.kind == NodeKind::kOr && parent != NodeKind::kOr) ||
         (child.kind == NodeKind::kAnd && parent == NodeKind::kNot);
}

std::string CmpWords(CmpOp op) {
  switch (op) {
    case CmpOp::kGe:
      return "不低于";
    case CmpOp::kGt:
      return "高于";
    case CmpOp::kLe:
      return "不高于";
    case CmpOp::kLt:
      return "低于";
    case CmpOp::kEq:
      return "为";
    case CmpOp::kNe:
      return "不为";
  }
  return "为";
}

std::string CodeName(const AttributeDef& a, std::string_view code, const CodeNamer& namer) {
  std::string name = namer ? namer(a.code_table, code) : "";
  return name.empty() ? "“" + std::string(code) + "”" : name + "（" + std::string(code) + "）";
}

bool IsCodeLeaf(const Node& n, const Schema& schema) {
  if (n.kind != NodeKind::kUnder && !(n.is_text && (n.kind == NodeKind::kIn || n.cmp == CmpOp::kEq)))
    return false;
  const AttributeDef* a = schema.Find(n.attr);
  return a != nullptr && a->type == AttrType::kCode;
}

// "行业属于通用设备制造业（C34）或集成电路制造（3973）": the alternatives of one code attribute.
std::string DescribeAlternatives(const Node& n, const Schema& schema, const CodeNamer& namer) {
  const AttributeDef* a = schema.Find(n.children[0].attr);
  std::vector<std::string> names;
  for (const auto& c : n.children) {
    if (c.kind == NodeKind::kIn) {
      for (const auto& t : c.texts) names.push_back(CodeName(*a, t, namer));
    } else {
      names.push_back(CodeName(*a, c.text, namer));
    }
  }
  std::string out = a->label + "属于";
  for (size_t i = 0; i < names.size(); ++i) out += (i == 0 ? "" : "或") + names[i];
  return out;
}

}  // namespace

bool IsCodeAlternatives(const Node& n, const Schema& schema) {
  if (n.kind != NodeKind::kOr || n.children.size() < 2) return false;
  for (const auto& c : n.children) {
    if (!IsCodeLeaf(c, schema) || c.attr != n.children[0].attr) return false;
  }
  return true;
}

std::string_view CmpSymbol(CmpOp op) {
  switch (op) {
    case CmpOp::kEq:
      return "=";
    case CmpOp::kNe:
      return "!=";
    case CmpOp::kLt:
      return "<";
    case CmpOp::kLe:
      return "<=";
    case CmpOp::kGt:
      return ">";
    case CmpOp::kGe:
      return ">=";
  }
  return "=";
}

bool Node::operator==(const Node& o) const {
  return kind == o.kind && children == o.children && attr == o.attr && cmp == o.cmp && is_text == o.is_text &&
         number == o.number && number2 == o.number2 && text == o.text && texts == o.texts &&
         numbers == o.numbers && within_years == o.within_years && evidence == o.evidence;
}

std::string FormatValue(AttrType type, int64_t v) {
  switch (type) {
    case AttrType::kMoney: {
      if (v % 100 != 0) return Scaled(v, 2) + "元";
      int64_t yuan = v / 100;
      if (yuan != 0 && yuan % 100000000 == 0) return std::to_string(yuan / 100000000) + "亿";
      if (yuan != 0 && yuan % 10000 == 0) return std::to_string(yuan / 10000) + "万";
      return std::to_string(yuan);
    }
    case AttrType::kPercent:
      return Scaled(v, 2) + "%";
    case AttrType::kDecimal:
      return Scaled(v, 4);
    case AttrType::kDate:
      return Quote(core::Date::FromDays(static_cast<int32_t>(v)).ToString());
    case AttrType::kBool:
      return v != 0 ? "true" : "false";
    default:
      return std::to_string(v);
  }
}

std::string HumanValue(const AttributeDef& attr, int64_t v) {
  switch (attr.type) {
    case AttrType::kMoney:
      return core::FormatMoneyCompact(v);
    case AttrType::kPercent:
      return Scaled(v, 2) + "%";
    case AttrType::kDecimal:
      return Scaled(v, 4) + attr.unit;
    case AttrType::kDate:
      return core::Date::FromDays(static_cast<int32_t>(v)).ToString();
    case AttrType::kBool:
      return v != 0 ? "是" : "否";
    default:
      return std::to_string(v) + attr.unit;
  }
}

std::string Print(const Node& n, const Schema& schema) {
  const AttributeDef* a = n.attr.empty() ? nullptr : schema.Find(n.attr);
  AttrType type = a ? a->type : AttrType::kInt;
  switch (n.kind) {
    case NodeKind::kAnd:
    case NodeKind::kOr: {
      std::string out;
      for (const auto& c : n.children) {
        if (!out.empty()) out += n.kind == NodeKind::kAnd ? " and " : " or ";
        std::string inner = Print(c, schema);
        out += NeedsParens(c, n.kind) ? "(" + inner + ")" : inner;
      }
      return out;
    }
    case NodeKind::kNot: {
      const Node& c = n.children[0];
      bool parens = !c.IsLeaf() && c.kind != NodeKind::kNot;
      std::string inner = Print(c, schema);
      return "not " + (parens ? "(" + inner + ")" : inner);
    }
    case NodeKind::kCompare:
      if (type == AttrType::kBool && n.cmp == CmpOp::kEq && n.number == 1) return n.attr;
      return n.attr + " " + std::string(CmpSymbol(n.cmp)) + " " +
             (n.is_text ? Quote(n.text) : FormatValue(type, n.number));
    case NodeKind::kUnder:
      return n.attr + " under " + Quote(n.text);
    case NodeKind::kIn: {
      std::string out = n.attr + " in [";
      for (size_t i = 0; i < (n.is_text ? n.texts.size() : n.numbers.size()); ++i) {
        if (i > 0) out += ", ";
        out += n.is_text ? Quote(n.texts[i]) : FormatValue(type, n.numbers[i]);
      }
      return out + "]";
    }
    case NodeKind::kBetween:
      return n.attr + " between " + FormatValue(type, n.number) + " and " + FormatValue(type, n.number2);
    case NodeKind::kHas:
      return "has " + Quote(n.text) +
             (n.within_years > 0 ? " within " + std::to_string(n.within_years) + " years" : "");
    case NodeKind::kReviewed:
      return "reviewed " + Quote(n.text) + (n.evidence.empty() ? "" : " evidence " + Quote(n.evidence));
    case NodeKind::kUniversal:
      return "universal";
  }
  return "";
}

std::string Describe(const Node& n, const Schema& schema, const CodeNamer& namer) {
  if (n.kind == NodeKind::kNot) {
    const Node& c = n.children[0];
    const AttributeDef* a = schema.Find(c.attr);
    if (c.kind == NodeKind::kCompare && a && a->type == AttrType::kBool && c.number == 1 &&
        c.cmp == CmpOp::kEq) {
      return "不是" + a->label;
    }
    if (c.kind == NodeKind::kHas) return "不具有“" + c.text + "”";
    return "不满足：" + Describe(c, schema, namer);
  }
  if (IsCodeAlternatives(n, schema)) return DescribeAlternatives(n, schema, namer);
  if (!n.IsLeaf()) return Print(n, schema);
  if (n.kind == NodeKind::kReviewed) {
    return "经主管部门审核：" + n.text + (n.evidence.empty() ? "" : "（需提供" + n.evidence + "）");
  }
  if (n.kind == NodeKind::kUniversal) return "主管部门已声明：满足上述条件的企业均可享受";
  if (n.kind == NodeKind::kHas) {
    return "具有“" + n.text + "”" +
           (n.within_years > 0 ? "（近" + std::to_string(n.within_years) + "年内取得）" : "");
  }
  const AttributeDef* a = schema.Find(n.attr);
  if (a == nullptr) return Print(n, schema);
  switch (n.kind) {
    case NodeKind::kCompare:
      if (a->type == AttrType::kBool) {
        bool yes = (n.number == 1) == (n.cmp == CmpOp::kEq);
        return (yes ? "是" : "不是") + a->label;
      }
      if (a->type == AttrType::kCode) return a->label + CmpWords(n.cmp) + CodeName(*a, n.text, namer);
      if (n.is_text) return a->label + CmpWords(n.cmp) + "“" + n.text + "”";
      return a->label + CmpWords(n.cmp) + HumanValue(*a, n.number);
    case NodeKind::kUnder:
      return a->label + "位于" + CodeName(*a, n.text, namer);
    case NodeKind::kIn: {
      std::string items;
      size_t count = n.is_text ? n.texts.size() : n.numbers.size();
      for (size_t i = 0; i < count; ++i) {
        if (i > 0) items += (i + 1 == count) ? "或" : "、";
        items += n.is_text
                     ? (a->type == AttrType::kCode ? CodeName(*a, n.texts[i], namer) : "“" + n.texts[i] + "”")
                     : HumanValue(*a, n.numbers[i]);
      }
      return a->label + "为" + items;
    }
    case NodeKind::kBetween:
      return a->label + "在" + HumanValue(*a, n.number) + "至" + HumanValue(*a, n.number2) + "之间";
    default:
      return Print(n, schema);
  }
}

namespace {

std::string DescribeGroup(const Node& n, const Schema& schema, const CodeNamer& namer, bool nested) {
  if (n.IsLeaf() || (n.kind == NodeKind::kNot && n.children[0].IsLeaf()) || IsCodeAlternatives(n, schema))
    return Describe(n, schema, namer);
  if (n.kind == NodeKind::kNot)
    return "不满足：（" + DescribeGroup(n.children[0], schema, namer, false) + "）";
  std::string sep = n.kind == NodeKind::kAnd ? "，且" : "，或";
  std::string out;
  for (const auto& c : n.children) {
    if (!out.empty()) out += sep;
    out += DescribeGroup(c, schema, namer, true);
  }
  return nested ? "（" + out + "）" : out;
}

}  // namespace

std::vector<std::string> DescribeLines(const Node& rule, const Schema& schema, const CodeNamer& namer) {
  std::vector<std::string> out;
  if (rule.kind == NodeKind::kAnd) {
    for (const auto& c : rule.children) out.push_back(DescribeGroup(c, schema, namer, false));
  } else {
    out.push_back(DescribeGroup(rule, schema, namer, false));
  }
  return out;
}

std::vector<const Node*> Leaves(const Node& node) {
  std::vector<const Node*> out;
  if (node.IsLeaf() || (node.kind == NodeKind::kNot && node.children[0].IsLeaf())) {
    out.push_back(&node);
    return out;
  }
  for (const auto& c : node.children) {
    auto sub = Leaves(c);
    out.insert(out.end(), sub.begin(), sub.end());
  }
  return out;
}

CodeNamer ReferenceNamer(const core::ReferenceData& ref) {
  return [&ref](std::string_view table, std::string_view code) -> std::string {
    if (table == "region") {
      std::string full(code);
      full.append(6 - std::min<size_t>(6, full.size()), '0');
      const core::CodeEntry* e = ref.regions().Find(full);
      return e ? e->name : "";
    }
    std::string c(code);
    bool archive_code = c.size() >= 3 && std::isalpha(static_cast<unsigned char>(c[0]));
    if (archive_code) c = c.substr(1);  // C3411 → 3411
    if (const core::CodeEntry* e = ref.industries().Find(c)) return e->name;
    if (c.size() <= 2) return "";
    // A group (中类) or class (小类) the table does not list: named by its division (an
    // enterprise's C3411 reads 通用设备制造业, a rule's "3411" 通用设备制造业下的小类), never a bare number.
    const core::CodeEntry* division = ref.industries().Find(c.substr(0, 2));
    if (division == nullptr) return "";
    if (archive_code) return division->name;
    return division->name + (c.size() == 3 ? "下的中类" : "下的小类");
  };
}

}  // namespace huiqi::rules
