#include "rules/schema.h"

#include <algorithm>

namespace huiqi::rules {

std::string_view AttrTypeCode(AttrType t) {
  switch (t) {
    case AttrType::kInt:
      return "int";
    case AttrType::kDecimal:
      return "decimal";
    case AttrType::kMoney:
      return "money";
    case AttrType::kPercent:
      return "percent";
    case AttrType::kDate:
      return "date";
    case AttrType::kCode:
      return "code";
    case AttrType::kEnum:
      return "enum";
    case AttrType::kBool:
      return "bool";
    case AttrType::kTagSet:
      return "tags";
  }
  return "int";
}

core::Result<AttrType> ParseAttrType(std::string_view code) {
  for (AttrType t : {AttrType::kInt, AttrType::kDecimal, AttrType::kMoney, AttrType::kPercent,
                     AttrType::kDate, AttrType::kCode, AttrType::kEnum, AttrType::kBool, AttrType::kTagSet}) {
    if (AttrTypeCode(t) == code) return t;
  }
  return core::InvalidArgument(
      "type", "invalid_enum", "类型应为 int、decimal、money、percent、date、code、enum、bool、tags 之一",
      "type must be one of int, decimal, money, percent, date, code, enum, bool, tags");
}

std::vector<char32_t> DecodeUtf8(std::string_view s) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1f) : len == 3 ? (c & 0x0f) : (c & 0x07);
    for (int k = 1; k < len && i + k < s.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
    out.push_back(cp);
    i += static_cast<size_t>(len);
  }
  return out;
}

std::string EncodeUtf8(char32_t c) {
  std::string out;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xc0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3f));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xe0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (c & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (c & 0x3f));
  }
  return out;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  auto x = DecodeUtf8(a), y = DecodeUtf8(b);
  std::vector<size_t> prev(y.size() + 1), cur(y.size() + 1);
  for (size_t j = 0; j <= y.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= x.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= y.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[y.size()];
}

Schema::Schema() {
  snapshots_.push_back(std::make_unique<const std::vector<AttributeDef>>());
  current_.store(snapshots_.back().get(), std::memory_order_release);
}

Schema::Schema(const Schema& other) {
  snapshots_.push_back(std::make_unique<const std::vector<AttributeDef>>(other.attributes()));
  current_.store(snapshots_.back().get(), std::memory_order_release);
}

Schema& Schema::operator=(const Schema& other) {
  if (this == &other) return *this;
  auto copy = std::make_unique<const std::vector<AttributeDef>>(other.attributes());
  std::lock_guard lock(mu_);
  snapshots_.push_back(std::move(copy));
  current_.store(snapshots_.back().get(), std::memory_order_release);
  return *this;
}

Schema::Schema(Schema&& other) noexcept : Schema(static_cast<const Schema&>(other)) {}

Schema& Schema::operator=(Schema&& other) noexcept { return *this = static_cast<const Schema&>(other); }

Schema::~Schema() = default;

core::Status Schema::Add(AttributeDef def) {
  std::lock_guard lock(mu_);  // one writer at a time; readers keep their snapshot
  bool ident = !def.key.empty() && !std::isdigit(static_cast<unsigned char>(def.key[0]));
  for (char c : def.key) ident = ident && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  if (!ident) {
    return core::InvalidArgument("key", "invalid_attribute_key",
                                 "属性键只能包含字母、数字和下划线，且不能以数字开头",
                                 "attribute key must be an ASCII identifier");
  }
  std::vector<std::string> names = def.aliases;
  names.push_back(def.key);
  if (!def.label.empty()) names.push_back(def.label);
  for (const auto& n : names) {
    if (Find(n) != nullptr) {
      return core::MakeError(core::ErrorKind::kConflict, "duplicate_attribute", "属性名“" + n + "”已被使用",
                             "attribute name already used: " + n, "key");
    }
  }
  auto next = std::make_unique<std::vector<AttributeDef>>(attributes());
  next->push_back(std::move(def));
  snapshots_.push_back(std::move(next));
  current_.store(snapshots_.back().get(), std::memory_order_release);
  return core::Ok();
}

const AttributeDef* Schema::Find(std::string_view name) const {
  for (const auto& a : attributes()) {
    if (a.key == name || a.label == name) return &a;
    for (const auto& alias : a.aliases) {
      if (alias == name) return &a;
    }
  }
  return nullptr;
}

std::vector<const AttributeDef*> Schema::Suggest(std::string_view name, size_t max) const {
  std::vector<std::pair<double, const AttributeDef*>> scored;
  size_t len = std::max<size_t>(1, DecodeUtf8(name).size());
  for (const auto& a : attributes()) {
    double best = 1e9;
    std::vector<std::string> names = a.aliases;
    names.push_back(a.key);
    names.push_back(a.label);
    for (const auto& n : names) {
      double d = static_cast<double>(EditDistance(name, n)) /
                 static_cast<double>(std::max(len, DecodeUtf8(n).size()));
      // A name that contains the typed text (or the reverse) is a strong hint.
      if (n.find(name) != std::string::npos || std::string_view(name).find(n) != std::string_view::npos)
        d *= 0.5;
      best = std::min(best, d);
    }
    if (best <= 0.6) scored.emplace_back(best, &a);
  }
  std::sort(scored.begin(), scored.end(), [](const auto& l, const auto& r) { return l.first < r.first; });
  std::vector<const AttributeDef*> out;
  for (size_t i = 0; i < scored.size() && i < max; ++i) out.push_back(scored[i].second);
  return out;
}

std::vector<std::string> Schema::AllNames() const {
  std::vector<std::string> out;
  for (const auto& a : attributes()) {
    out.push_back(a.key);
    if (!a.label.empty()) out.push_back(a.label);
    out.insert(out.end(), a.aliases.begin(), a.aliases.end());
  }
  return out;
}

Schema BuiltinSchema() {
  using T = AttrType;
  Schema s;
  auto add = [&](AttributeDef d) {
    auto st = s.Add(std::move(d));
    (void)st;  // the built-in list has no clashes (schema_test checks it)
  };
  add({"region", "注册地", T::kCode, "", "region", {}, {"地区", "所在地", "区域"}, "市场监管", false, true});
  add({"industry",
       "行业",
       T::kCode,
       "",
       "industry",
       {},
       {"所属行业", "国民经济行业"},
       "市场监管",
       false,
       true});
  add({"registration_type",
       "登记注册类型",
       T::kEnum,
       "",
       "",
       {"有限责任公司", "股份有限公司", "个人独资企业", "合伙企业", "外商投资企业", "个体工商户",
        "农民专业合作社", "其他"},
       {"企业类型"},
       "市场监管",
       false,
       true});
  add({"established_on", "成立日期", T::kDate, "", "", {}, {"注册日期"}, "市场监管", false, true});
  add({"registered_capital", "注册资本", T::kMoney, "元", "", {}, {}, "市场监管"});
  add({"employees", "从业人数", T::kInt, "人", "", {}, {"职工人数", "员工人数", "参保人数"}, "人社"});
  add({"revenue", "营业收入", T::kMoney, "元", "", {}, {"营收", "上年营业收入", "年营业收入"}, "税务"});
  add({"revenue_growth", "营业收入增长率", T::kPercent, "%", "", {}, {"营收增长率"}, "税务"});
  add({"total_assets", "资产总额", T::kMoney, "元", "", {}, {"总资产"}, "税务"});
  add({"rd_expense", "研发费用", T::kMoney, "元", "", {}, {"研发投入", "研究开发费用"}, "税务"});
  add({"rd_ratio", "研发费用占比", T::kPercent, "%", "", {}, {"研发投入占比", "研发强度"}, "税务"});
  add({"tax_paid", "纳税额", T::kMoney, "元", "", {}, {"上年纳税额", "税收贡献"}, "税务"});
  add({"export_value", "出口额", T::kMoney, "元", "", {}, {"出口总额"}, "海关"});
  add({"tax_credit_grade",
       "纳税信用等级",
       T::kEnum,
       "",
       "",
       {"A", "B", "M", "C", "D"},
       {"纳税信用"},
       "税务"});
  add({"dishonest", "失信被执行人", T::kBool, "", "", {}, {"失信"}, "法院"});
  add({"tags", "资质标签", T::kTagSet, "", "", {}, {"标签", "资质"}, "各部门"});
  add({"age", "成立年限", T::kInt, "年", "", {}, {"企业年龄", "成立年数"}, "计算", true, true});
  add({"scale", "企业规模", T::kEnum, "", "", {"大型", "中型", "小型", "微型"}, {"规模"}, "计算", true});
  return s;
}

const Schema& BuiltinSchemaRef() {
  static const Schema schema = BuiltinSchema();
  return schema;
}

}  // namespace huiqi::rules
