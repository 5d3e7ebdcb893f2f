#pragma once
// Enterprise scale (大型/中型/小型/微型) by the SME classification rules: 工业和信息化部 国家统计局
// 国家发展和改革委员会 财政部《关于印发中小企业划型标准规定的通知》(工信部联企业〔2011〕300号),
// applied as 国家统计局《统计上大中小微型企业划分办法(2017)》 states: large, medium and small
// must meet the lower limit of every listed indicator, otherwise the enterprise drops a class;
// micro needs to meet only one. Derived, never typed in.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace huiqi::enterprise {

enum class Scale { kLarge, kMedium, kSmall, kMicro };
std::string_view ScaleLabel(Scale s);  // 大型, 中型, 小型, 微型

struct ScaleInputs {
  std::string industry;                // section letter + digits ("C3911", "F5191", "K7010"), or digits only
  std::optional<int64_t> employees;    // 从业人员
  std::optional<int64_t> revenue_fen;  // 营业收入
  std::optional<int64_t> assets_fen;   // 资产总额
};

//! The scale, or nullopt when an indicator the industry's standard needs is missing.
std::optional<Scale> ClassifyScale(const ScaleInputs& in);

//! The name of the standard's industry group the code falls in ("工业", "零售业", …).
std::string_view ScaleIndustryGroup(std::string_view industry);

}  // namespace huiqi::enterprise
