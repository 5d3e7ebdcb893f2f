#pragma once
// 统一社会信用代码 (USCC), GB 32100-2015: 18 characters —
//   1      登记管理部门代码 (registration authority)
//   2      机构类别代码 (organisation category, valid values depend on the authority)
//   3–8    登记管理机关行政区划码 (GB/T 2260 division code)
//   9–17   主体标识码 (组织机构代码, GB 11714, whose 9th character is its own check digit)
//   18     校验码, computed over the first 17 with weights 3^(i-1) mod 31 over the 31-character
//          set 0-9 A-H J-N P-R T U W-Y (no I, O, Z, S, V).

#include <string>
#include <string_view>

#include "core/error.h"

namespace huiqi::core {

//! Validates an 18-character code exactly as given (upper case). On failure the error's code
//! says which rule failed (uscc_length, uscc_charset, uscc_authority, uscc_category,
//! uscc_region, uscc_org_code, uscc_check_digit), the message says why in Chinese, and the
//! field is `field`.
Status ValidateUscc(std::string_view code, std::string_view field = "uscc");

//! Trims spaces, upper-cases and validates; returns the canonical code.
Result<std::string> NormalizeUscc(std::string_view text, std::string_view field = "uscc");

//! The check character for the first 17 characters (which must be in the character set).
char UsccCheckChar(std::string_view first17);
//! The GB 11714 check character for the 8-character body of an organisation code.
char OrgCodeCheckChar(std::string_view body8);

}  // namespace huiqi::core
