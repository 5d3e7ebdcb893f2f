// Archive figures in the units people type them in (see units.h).
#include "enterprise/units.h"

#include <algorithm>

namespace huiqi::enterprise {

namespace {

using rules::AttrType;

// How many decimal places of `unit` one stored step is: 万元 of fen → 6 (1 fen = 0.000001 万元).
std::optional<int> PlacesOf(const rules::AttributeDef& attr, std::string_view unit) {
  auto units = UnitsFor(attr);
  if (std::find(units.begin(), units.end(), unit) == units.end()) return std::nullopt;
  switch (attr.type) {
    case AttrType::kMoney:
      return unit == "元" ? 2 : unit == "万元" ? 6 : 10;
    case AttrType::kPercent:
      return 2;
    case AttrType::kDecimal:
      return 4;
    default:
      return 0;
  }
}

core::Error Bad(const std::string& field, std::string zh, std::string en) {
  return core::InvalidArgument(field, "invalid_value", std::move(zh), std::move(en));
}

std::string Group(const std::string& digits) {
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

std::vector<std::string> UnitsFor(const rules::AttributeDef& attr) {
  switch (attr.type) {
    case AttrType::kMoney:
      return {"万元", "元", "亿元"};
    case AttrType::kPercent:
      return {"%"};
    case AttrType::kInt:
    case AttrType::kDecimal:
      return {attr.unit};
    default:
      return {};
  }
}

std::string DefaultUnit(const rules::AttributeDef& attr) {
  auto units = UnitsFor(attr);
  return units.empty() ? "" : units.front();
}

core::Result<int64_t> ParseInUnit(const rules::AttributeDef& attr, std::string_view text,
                                  std::string_view unit, const std::string& field) {
  auto places = PlacesOf(attr, unit);
  if (!places) {
    std::string allowed;
    for (const auto& u : UnitsFor(attr)) allowed += (allowed.empty() ? "" : "、") + u;
    return Bad("unit", attr.label + "的单位应为" + (allowed.empty() ? "空" : allowed),
               "unit " + std::string(unit) + " does not fit " + attr.key);
  }
  std::string s(text);
  s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return c == ',' || c == ' '; }), s.end());
  if (!unit.empty() && s.size() > unit.size() && s.ends_with(unit)) s.resize(s.size() - unit.size());
  std::string shown_unit = unit.empty() ? "" : "（单位：" + std::string(unit) + "）";
  auto dot = s.find('.');
  std::string whole = s.substr(0, dot), frac = dot == std::string::npos ? "" : s.substr(dot + 1);
  bool digits_only = (whole + frac).find_first_not_of("0123456789") == std::string::npos;
  if (s.empty() || !digits_only || (whole.empty() && frac.empty()) ||
      (dot != std::string::npos && s.find('.', dot + 1) != std::string::npos)) {
    return Bad(field, attr.label + "请只填写数字" + shown_unit + "，如 1800 或 12.5",
               attr.key + " must be a plain non-negative number in " + std::string(unit));
  }
  if (static_cast<int>(frac.size()) > *places) {
    return Bad(field,
               attr.label + "以" + std::string(unit) + "为单位最多 " + std::to_string(*places) + " 位小数",
               "too many decimals for " + std::string(unit));
  }
  whole.erase(0, std::min(whole.find_first_not_of('0'), whole.size()));
  if (static_cast<int>(whole.size()) + *places > 18) {
    return Bad(field, attr.label + "数值过大" + shown_unit, attr.key + " is too large");
  }
  frac.append(static_cast<size_t>(*places) - frac.size(), '0');
  std::string all = whole + frac;
  return all.empty() ? int64_t{0} : static_cast<int64_t>(std::stoll(all));
}

std::optional<std::string> FormatInUnit(const rules::AttributeDef& attr, int64_t stored,
                                        std::string_view unit) {
  auto places = PlacesOf(attr, unit);
  if (!places) return std::nullopt;
  bool neg = stored < 0;
  std::string digits = std::to_string(neg ? -stored : stored);
  if (static_cast<int>(digits.size()) <= *places) {
    digits.insert(0, static_cast<size_t>(*places) + 1 - digits.size(), '0');
  }
  std::string whole = digits.substr(0, digits.size() - static_cast<size_t>(*places));
  std::string frac = digits.substr(whole.size());
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  return (neg ? "-" : "") + Group(whole) + (frac.empty() ? "" : "." + frac);
}

}  // namespace huiqi::enterprise
