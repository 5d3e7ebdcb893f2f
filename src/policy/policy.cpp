#include "policy/policy.h"

#include <array>
#include <utility>

namespace huiqi::policy {

namespace {

// One row per enumerator, in enumerator order: code and Chinese label.
template <typename E, size_t N>
struct Codes {
  std::array<std::pair<std::string_view, std::string_view>, N> rows;
  std::string_view what_zh;

  std::string_view Code(E v) const { return rows[static_cast<size_t>(v)].first; }
  std::string_view Label(E v) const { return rows[static_cast<size_t>(v)].second; }
  core::Result<E> Parse(std::string_view code, std::string_view field) const {
    std::string allowed;
    for (size_t i = 0; i < N; ++i) {
      if (rows[i].first == code) return static_cast<E>(i);
      if (!rows[i].first.empty()) allowed += (allowed.empty() ? "" : ", ") + std::string(rows[i].first);
    }
    return core::InvalidArgument(std::string(field), "invalid_enum",
                                 std::string(what_zh) + "“" + std::string(code) + "”无效，应为 " + allowed,
                                 std::string(field) + " must be one of " + allowed);
  }
};

constexpr Codes<Level, 4> kLevels{
    {{{"national", "国家级"}, {"provincial", "省级"}, {"municipal", "市级"}, {"county", "县区级"}}},
    "政策层级"};
constexpr Codes<PolicyStatus, 5> kStatuses{{{{"draft", "草稿"},
                                             {"in_review", "审核中"},
                                             {"published", "已发布"},
                                             {"superseded", "已被修订"},
                                             {"repealed", "已废止"}}},
                                           "政策状态"};
constexpr Codes<LinkKind, 3> kLinkKinds{{{{"supersedes", "替代"}, {"amends", "修改"}, {"repeals", "废止"}}},
                                        "关联类型"};
constexpr Codes<ServiceMode, 3> kServiceModes{
    {{{"online", "网上办理"}, {"offline", "线下办理"}, {"online_offline", "线上线下均可"}}}, "服务方式"};
constexpr Codes<Target, 3> kTargets{
    {{{"enterprise", "企业"}, {"individual", "个人"}, {"both", "企业和个人"}}}, "服务对象"};
constexpr Codes<PeriodType, 3> kPeriodTypes{
    {{{"year_round", "常年申报"}, {"fixed", "固定期限"}, {"pending", "期限待定"}}}, "申报期限类型"};
constexpr Codes<ItemStatus, 3> kItemStatuses{
    {{{"draft", "草稿"}, {"published", "已发布"}, {"withdrawn", "已撤回"}}}, "事项状态"};
constexpr Codes<Period, 4> kPeriods{
    {{{"", "全部"}, {"open", "申报中"}, {"upcoming", "未开始"}, {"closed", "已截止"}}}, "申报状态"};

}  // namespace

std::string_view LevelCode(Level v) { return kLevels.Code(v); }
std::string_view LevelLabel(Level v) { return kLevels.Label(v); }
core::Result<Level> ParseLevel(std::string_view c, std::string_view f) { return kLevels.Parse(c, f); }
std::string_view StatusCode(PolicyStatus v) { return kStatuses.Code(v); }
std::string_view StatusLabel(PolicyStatus v) { return kStatuses.Label(v); }
core::Result<PolicyStatus> ParseStatus(std::string_view c, std::string_view f) {
  return kStatuses.Parse(c, f);
}
std::string_view LinkKindCode(LinkKind v) { return kLinkKinds.Code(v); }
std::string_view LinkKindLabel(LinkKind v) { return kLinkKinds.Label(v); }
core::Result<LinkKind> ParseLinkKind(std::string_view c, std::string_view f) {
  return kLinkKinds.Parse(c, f);
}
std::string_view ServiceModeCode(ServiceMode v) { return kServiceModes.Code(v); }
std::string_view ServiceModeLabel(ServiceMode v) { return kServiceModes.Label(v); }
core::Result<ServiceMode> ParseServiceMode(std::string_view c, std::string_view f) {
  return kServiceModes.Parse(c, f);
}
std::string_view TargetCode(Target v) { return kTargets.Code(v); }
std::string_view TargetLabel(Target v) { return kTargets.Label(v); }
core::Result<Target> ParseTarget(std::string_view c, std::string_view f) { return kTargets.Parse(c, f); }
std::string_view PeriodTypeCode(PeriodType v) { return kPeriodTypes.Code(v); }
std::string_view PeriodTypeLabel(PeriodType v) { return kPeriodTypes.Label(v); }
core::Result<PeriodType> ParsePeriodType(std::string_view c, std::string_view f) {
  return kPeriodTypes.Parse(c, f);
}
std::string_view ItemStatusCode(ItemStatus v) { return kItemStatuses.Code(v); }
std::string_view ItemStatusLabel(ItemStatus v) { return kItemStatuses.Label(v); }
core::Result<ItemStatus> ParseItemStatus(std::string_view c, std::string_view f) {
  return kItemStatuses.Parse(c, f);
}
std::string_view PeriodCode(Period v) { return kPeriods.Code(v); }
std::string_view PeriodLabel(Period v) { return kPeriods.Label(v); }
core::Result<Period> ParsePeriod(std::string_view c, std::string_view f) { return kPeriods.Parse(c, f); }

}  // namespace huiqi::policy
