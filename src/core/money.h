#pragma once
// Money is integer fen (分) everywhere: never a floating-point number. Parsing accepts the
// way amounts are written in policy documents and forms: "30万元", "1.5亿", "2,000元",
// "¥1,234.56", "500", "12.5万". Formatting writes the same style back.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace huiqi::core {

using Fen = int64_t;
constexpr Fen kFenPerYuan = 100;

//! Parses an amount in yuan with an optional unit (万/亿, 元/万元/亿元) into fen. Rejects
//! negative amounts, more precision than one fen, malformed digit grouping and overflow,
//! each with a clear message naming `field`.
Result<Fen> ParseMoney(std::string_view text, std::string_view field = "amount");

//! "2,000.00元"
std::string FormatYuan(Fen fen);
//! Compact Chinese style: "30万元", "1.5亿元", "2,000元", "12.34元".
std::string FormatMoneyCompact(Fen fen);

}  // namespace huiqi::core
