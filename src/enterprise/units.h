#pragma once
// The units people type an archive figure in (万元 / 元 / 亿元 for money, 人, %): a correction
// of 资产总额 typed as 18000 meant 18000 万元, not 18000 元 (issue 12 finding 1), so the form
// names its unit, the value is parsed with it and shown back in it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "rules/schema.h"

namespace huiqi::enterprise {

//! The units `attr` may be typed in, the default first: money 万元, 元, 亿元; an integer its
//! own unit (人); a percentage %; nothing for dates, codes, enumerations and yes/no.
std::vector<std::string> UnitsFor(const rules::AttributeDef& attr);
//! The first of UnitsFor, or "" when the attribute has no unit.
std::string DefaultUnit(const rules::AttributeDef& attr);

//! Parses a plain number typed in `unit` ("18000" in 万元 → 180 亿 fen) into the attribute's
//! stored scale. The unit may also be repeated after the number ("18000万元" in 万元). Errors
//! (kInvalidArgument naming `field`, or "unit" for a unit `attr` does not take): not a number,
//! more decimals than the smallest stored step, negative, too large.
core::Result<int64_t> ParseInUnit(const rules::AttributeDef& attr, std::string_view text,
                                  std::string_view unit, const std::string& field);

//! A stored value written in `unit` with digit grouping and without trailing zeros: "18,000"
//! (fen 18000万元 in 万元), "12.5" (%); nullopt when `unit` is not one of UnitsFor(attr).
std::optional<std::string> FormatInUnit(const rules::AttributeDef& attr, int64_t stored,
                                        std::string_view unit);

}  // namespace huiqi::enterprise
