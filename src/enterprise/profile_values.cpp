// Values of an enterprise's attributes as people write them ("2.3亿元", "12.5%", "是") and back
// in canonical text; checked against the attribute schema and the reference code tables.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "core/money.h"
#include "enterprise/detail/values.h"
#include "enterprise/profile.h"
#include "rules/rule.h"

namespace huiqi::enterprise {

using core::Status;
using nlohmann::json;
using rules::AttrType;

namespace detail {

core::Error Bad(const std::string& field, std::string zh, std::string en) {
  return core::InvalidArgument(field, "invalid_value", std::move(zh), std::move(en));
}

bool IsText(AttrType t) { return t == AttrType::kCode || t == AttrType::kEnum; }

std::string Trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

}  // namespace detail

using detail::Bad;
using detail::IsText;
using detail::Trim;

namespace {

// "12.5" with at most `places` decimals → the value × 10^places; nullopt when malformed.
std::optional<int64_t> ParseScaled(std::string s, int places) {
  s.erase(std::remove(s.begin(), s.end(), ','), s.end());
  if (s.empty()) return std::nullopt;
  bool neg = s[0] == '-';
  if (neg || s[0] == '+') s.erase(0, 1);
  auto dot = s.find('.');
  std::string whole = s.substr(0, dot), frac = dot == std::string::npos ? "" : s.substr(dot + 1);
  if (whole.empty() && frac.empty()) return std::nullopt;
  if (static_cast<int>(frac.size()) > places) return std::nullopt;
  if ((whole + frac).find_first_not_of("0123456789") != std::string::npos || whole.size() > 15)
    return std::nullopt;
  frac.append(static_cast<size_t>(places) - frac.size(), '0');
  int64_t v = (whole.empty() ? 0 : std::stoll(whole));
  for (int i = 0; i < places; ++i) v *= 10;
  if (!frac.empty()) v += std::stoll(frac);
  return neg ? -v : v;
}

Status CheckCode(const rules::AttributeDef& attr, const std::string& code, const core::ReferenceData* ref,
                 const std::string& field) {
  if (attr.code_table == "region") {
    if (code.size() != 6 || code.find_first_not_of("0123456789") != std::string::npos) {
      return Bad(field, attr.label + "应为 6 位行政区划代码（GB/T 2260），如 320412",
                 "region must be a 6-digit code");
    }
    if (ref && !ref->regions().Find(code)) {
      return Bad(field, "行政区划代码 " + code + " 不在江苏省区划表中", "unknown region code " + code);
    }
    return core::Ok();
  }
  if (attr.code_table == "industry") {
    bool shape = code.size() >= 1 && code.size() <= 5 && code[0] >= 'A' && code[0] <= 'T' &&
                 code.find_first_not_of("0123456789", 1) == std::string::npos && code.size() != 2;
    if (!shape) {
      return Bad(field, attr.label + "应为门类字母加行业代码（GB/T 4754-2017），如 C 或 C34 或 C3411",
                 "industry must be a section letter followed by 2-4 digits");
    }
    if (ref && code.size() >= 3) {
      const core::CodeEntry* d = ref->industries().Find(code.substr(1, 2));
      if (!d || d->parent != code.substr(0, 1)) {
        return Bad(field,
                   "行业代码 " + code + " 的大类 " + code.substr(1, 2) + " 不属于门类 " + code.substr(0, 1),
                   "industry division does not belong to the section");
      }
    }
    return core::Ok();
  }
  return core::Ok();
}

}  // namespace

const std::vector<std::string>& StoredAttributes() {
  static const std::vector<std::string> keys = {
      "region",    "industry", "registration_type", "established_on",   "registered_capital",
      "employees", "revenue",  "revenue_growth",    "total_assets",     "rd_expense",
      "rd_ratio",  "tax_paid", "export_value",      "tax_credit_grade", "dishonest"};
  return keys;
}

Status SetFact(rules::Facts& facts, const rules::AttributeDef& attr, const json& value,
               const core::ReferenceData* ref, const std::string& field) {
  if (attr.derived) return Bad(field, attr.label + "由系统计算，不能直接填写", attr.key + " is derived");
  if (value.is_null() || (value.is_string() && Trim(value.get<std::string>()).empty())) {
    facts.numbers.erase(attr.key);
    facts.texts.erase(attr.key);
    return core::Ok();
  }
  std::string text = value.is_string() ? Trim(value.get<std::string>()) : value.dump();
  switch (attr.type) {
    case AttrType::kCode:
    case AttrType::kEnum: {
      if (!value.is_string()) return Bad(field, attr.label + "应为文本", attr.key + " must be text");
      if (attr.type == AttrType::kEnum &&
          std::find(attr.enum_values.begin(), attr.enum_values.end(), text) == attr.enum_values.end()) {
        std::string allowed;
        for (const auto& v : attr.enum_values) allowed += (allowed.empty() ? "" : "、") + v;
        return Bad(field, attr.label + "应为以下之一：" + allowed, attr.key + " is not an allowed value");
      }
      if (attr.type == AttrType::kCode) {
        for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        HQ_RETURN_IF_ERROR(CheckCode(attr, text, ref, field));
      }
      facts.texts[attr.key] = text;
      return core::Ok();
    }
    case AttrType::kBool: {
      static const std::set<std::string> yes = {"true", "1", "是", "Y", "y", "yes"};
      static const std::set<std::string> no = {"false", "0", "否", "N", "n", "no"};
      if (yes.count(text)) {
        facts.numbers[attr.key] = 1;
      } else if (no.count(text)) {
        facts.numbers[attr.key] = 0;
      } else {
        return Bad(field, attr.label + "应为“是”或“否”", attr.key + " must be true or false");
      }
      return core::Ok();
    }
    case AttrType::kDate: {
      auto d = core::Date::Parse(text, field);
      if (!d.ok()) return d.error();
      facts.numbers[attr.key] = d->days();
      return core::Ok();
    }
    case AttrType::kMoney: {
      auto fen = core::ParseMoney(value.is_number() ? text + "元" : text, field);
      if (!fen.ok()) return fen.error();
      facts.numbers[attr.key] = *fen;
      return core::Ok();
    }
    case AttrType::kPercent: {
      std::string t = text;
      if (!t.empty() && (t.back() == '%')) t.pop_back();
      auto v = ParseScaled(t, 2);
      if (!v)
        return Bad(field, attr.label + "应为百分数，最多两位小数，如 12.5%",
                   attr.key + " must be a percentage");
      facts.numbers[attr.key] = *v;
      return core::Ok();
    }
    case AttrType::kDecimal: {
      auto v = ParseScaled(text, 4);
      if (!v) return Bad(field, attr.label + "应为数字，最多四位小数", attr.key + " must be a number");
      facts.numbers[attr.key] = *v;
      return core::Ok();
    }
    case AttrType::kInt: {
      std::string t = text;
      if (!attr.unit.empty() && t.size() > attr.unit.size() && t.ends_with(attr.unit))
        t.resize(t.size() - attr.unit.size());
      auto v = ParseScaled(t, 0);
      if (!v || *v < 0)
        return Bad(field, attr.label + "应为非负整数", attr.key + " must be a non-negative integer");
      facts.numbers[attr.key] = *v;
      return core::Ok();
    }
    case AttrType::kTagSet:
      if (!value.is_string()) return Bad(field, "标签应写成“名称@取得日期;名称”", "tags must be text");
      return SetTags(facts, text, field);
  }
  return core::Ok();
}

Status SetTags(rules::Facts& facts, std::string_view text, const std::string& field) {
  facts.tags.clear();
  facts.tags_known = true;
  std::string all(text);
  for (auto& c : all) {
    if (c == ',') c = ';';
  }
  // Also accept the full-width separators people type: "；" "，".
  for (const std::string sep : {"；", "，"}) {
    for (size_t p = all.find(sep); p != std::string::npos; p = all.find(sep)) all.replace(p, sep.size(), ";");
  }
  size_t start = 0;
  while (start <= all.size()) {
    size_t end = all.find(';', start);
    std::string part = Trim(all.substr(start, end == std::string::npos ? std::string::npos : end - start));
    start = end == std::string::npos ? all.size() + 1 : end + 1;
    if (part.empty()) continue;
    std::optional<int32_t> day;
    if (auto at = part.rfind('@'); at != std::string::npos) {
      auto d = core::Date::Parse(Trim(part.substr(at + 1)), field);
      if (!d.ok())
        return Bad(field, "标签“" + part + "”的取得日期应为 YYYY-MM-DD", "bad tag date in " + part);
      day = d->days();
      part = Trim(part.substr(0, at));
    }
    if (part.empty() || part.size() > 100) return Bad(field, "标签名称不能为空或过长", "bad tag name");
    facts.tags[part] = day;
  }
  return core::Ok();
}

std::optional<std::string> FactText(const rules::Facts& f, const rules::AttributeDef& attr) {
  if (attr.type == AttrType::kTagSet) {
    if (!f.tags_known) return std::nullopt;
    return TagsText(f);
  }
  if (IsText(attr.type)) {
    auto it = f.texts.find(attr.key);
    if (it == f.texts.end()) return std::nullopt;
    return it->second;
  }
  auto it = f.numbers.find(attr.key);
  if (it == f.numbers.end()) return std::nullopt;
  std::string v = rules::FormatValue(attr.type, it->second);
  if (attr.type == AttrType::kDate && v.size() >= 2) v = v.substr(1, v.size() - 2);  // unquoted
  return v;
}

std::string TagsText(const rules::Facts& f) {
  std::string out;
  for (const auto& [name, day] : f.tags) {
    if (!out.empty()) out += ";";
    out += name;
    if (day) out += "@" + core::Date::FromDays(*day).ToString();
  }
  return out;
}

}  // namespace huiqi::enterprise
