#include "enterprise/scale.h"

#include <array>
#include <cctype>

namespace huiqi::enterprise {

namespace {

constexpr int64_t kWanFen = 10000 * 100;  // 1万元 in fen

enum class Indicator { kNone, kEmployees, kRevenue, kAssets };

// Lower limits of large / medium / small for up to two indicators of one industry group.
struct Standard {
  std::string_view group;
  Indicator first, second;
  std::array<int64_t, 3> first_limits;   // large, medium, small
  std::array<int64_t, 3> second_limits;  // same order; unused when second == kNone
};

using I = Indicator;
constexpr int64_t W = kWanFen;

// 工信部联企业〔2011〕300号 第四条 (一)–(十六).
constexpr Standard kAgriculture{"农、林、牧、渔业", I::kRevenue, I::kNone, {20000 * W, 500 * W, 50 * W}, {}};
constexpr Standard kIndustry{
    "工业", I::kEmployees, I::kRevenue, {1000, 300, 20}, {40000 * W, 2000 * W, 300 * W}};
constexpr Standard kConstruction{
    "建筑业", I::kRevenue, I::kAssets, {80000 * W, 6000 * W, 300 * W}, {80000 * W, 5000 * W, 300 * W}};
constexpr Standard kWholesale{
    "批发业", I::kEmployees, I::kRevenue, {200, 20, 5}, {40000 * W, 5000 * W, 1000 * W}};
constexpr Standard kRetail{
    "零售业", I::kEmployees, I::kRevenue, {300, 50, 10}, {20000 * W, 500 * W, 100 * W}};
constexpr Standard kTransport{
    "交通运输业", I::kEmployees, I::kRevenue, {1000, 300, 20}, {30000 * W, 3000 * W, 200 * W}};
constexpr Standard kWarehousing{
    "仓储业", I::kEmployees, I::kRevenue, {200, 100, 20}, {30000 * W, 1000 * W, 100 * W}};
constexpr Standard kPostal{
    "邮政业", I::kEmployees, I::kRevenue, {1000, 300, 20}, {30000 * W, 2000 * W, 100 * W}};
constexpr Standard kLodging{
    "住宿业", I::kEmployees, I::kRevenue, {300, 100, 10}, {10000 * W, 2000 * W, 100 * W}};
constexpr Standard kCatering{
    "餐饮业", I::kEmployees, I::kRevenue, {300, 100, 10}, {10000 * W, 2000 * W, 100 * W}};
constexpr Standard kTelecom{
    "信息传输业", I::kEmployees, I::kRevenue, {2000, 100, 10}, {100000 * W, 1000 * W, 100 * W}};
constexpr Standard kSoftware{
    "软件和信息技术服务业", I::kEmployees, I::kRevenue, {300, 100, 10}, {10000 * W, 1000 * W, 50 * W}};
constexpr Standard kRealEstate{"房地产开发经营",
                               I::kRevenue,
                               I::kAssets,
                               {200000 * W, 1000 * W, 100 * W},
                               {10000 * W, 5000 * W, 2000 * W}};
constexpr Standard kProperty{
    "物业管理", I::kEmployees, I::kRevenue, {1000, 300, 100}, {5000 * W, 1000 * W, 500 * W}};
constexpr Standard kLeasing{
    "租赁和商务服务业", I::kEmployees, I::kAssets, {300, 100, 10}, {120000 * W, 8000 * W, 100 * W}};
constexpr Standard kOther{"其他未列明行业", I::kEmployees, I::kNone, {300, 100, 10}, {}};

const Standard& StandardFor(std::string_view code) {
  char section = 0;
  if (!code.empty() && std::isalpha(static_cast<unsigned char>(code[0]))) {
    section = code[0];
    code.remove_prefix(1);
  }
  int division = code.size() >= 2 && std::isdigit(static_cast<unsigned char>(code[0])) &&
                         std::isdigit(static_cast<unsigned char>(code[1]))
                     ? (code[0] - '0') * 10 + (code[1] - '0')
                     : -1;
  if (division < 0) {
    switch (section) {
      case 'A':
        return kAgriculture;
      case 'B':
      case 'C':
      case 'D':
        return kIndustry;
      case 'E':
        return kConstruction;
      case 'L':
        return kLeasing;
      default:
        return kOther;
    }
  }
  if (division <= 5) return kAgriculture;
  if (division <= 46) return kIndustry;
  if (division <= 50) return kConstruction;
  if (division == 51) return kWholesale;
  if (division == 52) return kRetail;
  if (division <= 58) return kTransport;
  if (division == 59) return kWarehousing;
  if (division == 60) return kPostal;
  if (division == 61) return kLodging;
  if (division == 62) return kCatering;
  if (division <= 64) return kTelecom;
  if (division == 65) return kSoftware;
  if (division == 70) {
    if (code.substr(0, 3) == "701") return kRealEstate;
    if (code.substr(0, 3) == "702") return kProperty;
    return kOther;
  }
  if (division == 71 || division == 72) return kLeasing;
  return kOther;
}

std::optional<int64_t> ValueOf(Indicator i, const ScaleInputs& in) {
  switch (i) {
    case I::kEmployees:
      return in.employees;
    case I::kRevenue:
      return in.revenue_fen;
    case I::kAssets:
      return in.assets_fen;
    case I::kNone:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::string_view ScaleLabel(Scale s) {
  switch (s) {
    case Scale::kLarge:
      return "大型";
    case Scale::kMedium:
      return "中型";
    case Scale::kSmall:
      return "小型";
    case Scale::kMicro:
      return "微型";
  }
  return "微型";
}

std::string_view ScaleIndustryGroup(std::string_view industry) { return StandardFor(industry).group; }

std::optional<Scale> ClassifyScale(const ScaleInputs& in) {
  const Standard& st = StandardFor(in.industry);
  auto a = ValueOf(st.first, in);
  auto b = ValueOf(st.second, in);
  bool two = st.second != I::kNone;
  // Meeting one small limit missing is enough to decide micro; otherwise both values are needed.
  if (!a || (two && !b)) {
    if (a && *a < st.first_limits[2]) return Scale::kMicro;
    if (two && b && *b < st.second_limits[2]) return Scale::kMicro;
    return std::nullopt;
  }
  constexpr Scale kOrder[] = {Scale::kLarge, Scale::kMedium, Scale::kSmall};
  for (int k = 0; k < 3; ++k) {
    if (*a >= st.first_limits[k] && (!two || *b >= st.second_limits[k])) return kOrder[k];
  }
  return Scale::kMicro;
}

}  // namespace huiqi::enterprise
