#include "core/money.h"

#include <limits>

namespace huiqi::core {

namespace {

Error BadMoney(std::string_view field, std::string_view text, std::string reason_zh, std::string reason_en) {
  return InvalidArgument(std::string(field), "invalid_money",
                         "金额“" + std::string(text) + "”无效：" + reason_zh,
                         "invalid amount '" + std::string(text) + "': " + reason_en);
}

bool ConsumePrefix(std::string_view& s, std::string_view p) {
  if (s.substr(0, p.size()) != p) return false;
  s.remove_prefix(p.size());
  return true;
}
bool ConsumeSuffix(std::string_view& s, std::string_view p) {
  if (s.size() < p.size() || s.substr(s.size() - p.size()) != p) return false;
  s.remove_suffix(p.size());
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string GroupThousands(int64_t v) {
  std::string digits = std::to_string(v);
  std::string out;
  int n = static_cast<int>(digits.size());
  for (int i = 0; i < n; ++i) {
    out += digits[i];
    int left = n - 1 - i;
    if (left > 0 && left % 3 == 0) out += ',';
  }
  return out;
}

}  // namespace

Result<Fen> ParseMoney(std::string_view text, std::string_view field) {
  std::string_view s = Trim(text);
  if (s.empty()) return BadMoney(field, text, "不能为空", "empty");
  if (s.front() == '-') return BadMoney(field, text, "不能为负数", "negative");
  ConsumePrefix(s, "¥") || ConsumePrefix(s, "￥");
  s = Trim(s);
  // Unit: the multiplier of one yuan expressed as a power of ten.
  int unit_exp = 0;
  ConsumeSuffix(s, "元");
  if (ConsumeSuffix(s, "亿")) {
    unit_exp = 8;
  } else if (ConsumeSuffix(s, "万")) {
    unit_exp = 4;
  }
  s = Trim(s);
  if (s.empty()) return BadMoney(field, text, "缺少数字", "no digits");

  // Digits, optional grouping commas (every 3 digits), optional fraction.
  std::string int_digits, frac_digits;
  bool seen_point = false, seen_comma = false;
  int since_comma = 0;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      (seen_point ? frac_digits : int_digits) += c;
      if (!seen_point) ++since_comma;
    } else if (c == ',' && !seen_point) {
      if (int_digits.empty() || (seen_comma && since_comma != 3) || (!seen_comma && since_comma > 3)) {
        return BadMoney(field, text, "千分位逗号位置不对", "misplaced grouping comma");
      }
      seen_comma = true;
      since_comma = 0;
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      return BadMoney(field, text, "含有无法识别的字符", "unexpected character");
    }
  }
  if (seen_comma && since_comma != 3) {
    return BadMoney(field, text, "千分位逗号位置不对", "misplaced grouping comma");
  }
  if (int_digits.empty()) int_digits = "0";
  if (seen_point && frac_digits.empty()) return BadMoney(field, text, "小数点后缺少数字", "dangling point");

  // value_in_fen = digits * 10^(unit_exp + 2 - frac_len); must be an integer.
  int exp = unit_exp + 2 - static_cast<int>(frac_digits.size());
  std::string all = int_digits + frac_digits;
  while (exp < 0) {
    if (all.back() != '0') return BadMoney(field, text, "最小单位为分", "finer than one fen");
    all.pop_back();
    ++exp;
  }
  constexpr Fen kMax = std::numeric_limits<Fen>::max();
  Fen v = 0;
  for (char c : all) {
    if (v > (kMax - (c - '0')) / 10) return BadMoney(field, text, "数值过大", "too large");
    v = v * 10 + (c - '0');
  }
  for (int i = 0; i < exp; ++i) {
    if (v > kMax / 10) return BadMoney(field, text, "数值过大", "too large");
    v *= 10;
  }
  return v;
}

std::string FormatYuan(Fen fen) {
  std::string sign = fen < 0 ? "-" : "";
  Fen a = fen < 0 ? -fen : fen;
  Fen cents = a % 100;
  return sign + GroupThousands(a / 100) + "." + (cents < 10 ? "0" : "") + std::to_string(cents) + "元";
}

std::string FormatMoneyCompact(Fen fen) {
  std::string sign = fen < 0 ? "-" : "";
  Fen a = fen < 0 ? -fen : fen;
  // Use 亿 / 万 when the amount is a round number of 0.01 亿 / 0.01 万 at that size.
  auto scaled = [&](Fen unit_fen, const char* unit) -> std::string {
    Fen whole = a / unit_fen, rest = a % unit_fen;
    std::string s = GroupThousands(whole);
    if (rest != 0) {
      Fen hundredths = rest * 100 / unit_fen;
      s += "." + std::string(hundredths < 10 ? "0" : "") + std::to_string(hundredths);
      while (s.back() == '0') s.pop_back();
    }
    return sign + s + unit;
  };
  constexpr Fen kYi = 100000000LL * 100, kWan = 10000LL * 100;
  if (a >= kYi && a % (kYi / 100) == 0) return scaled(kYi, "亿元");
  if (a >= kWan && a % (kWan / 100) == 0) return scaled(kWan, "万元");
  if (a % 100 == 0) return sign + GroupThousands(a / 100) + "元";
  return FormatYuan(fen);
}

}  // namespace huiqi::core
