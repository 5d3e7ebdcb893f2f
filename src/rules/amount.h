#pragma once
// An item's amount formula (常州办法 第十四条 补贴标准, made computable): what an enterprise
// would receive, estimated from its archive so matches can be ranked by money.
//   {"kind": "fixed", "value": "30万元"}
//   {"kind": "rate", "base": "rd_expense", "percent": 10, "cap": "100万元"}   rate × base, capped
//   {"kind": "tiers", "tiers": [{"when": "<rule>", "value": "100万元"}, …]}   first tier that holds
// Money strings may also be given exactly as integer fen: "fen" for "value", "cap_fen" for "cap".
// Money is integer fen throughout; a rate is kept in millionths so "12.5%" stays exact.

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/error.h"
#include "rules/evaluator.h"
#include "rules/rule.h"

namespace huiqi::rules {

enum class AmountKind { kFixed, kRate, kTiers };

struct AmountTier {
  Node when;
  int64_t fen = 0;
};

struct Amount {
  AmountKind kind = AmountKind::kFixed;
  int64_t fen = 0;                 // kFixed
  std::string base;                // kRate: a money attribute key
  int64_t rate_ppm = 0;            // kRate: parts per million (10% → 100000)
  std::optional<int64_t> cap_fen;  // kRate
  std::vector<AmountTier> tiers;   // kTiers, first match wins
};

//! Validates the formula against the schema. Errors name the field under `field`
//! ("amount.base", "amount.tiers[1].when").
core::Result<Amount> ParseAmount(const nlohmann::json& j, const Schema& schema,
                                 std::string_view field = "amount");
//! Parses stored JSON text ("" → nullopt: the item carries no money).
core::Result<std::optional<Amount>> ParseAmountText(const std::string& text, const Schema& schema);

struct Estimate {
  std::optional<int64_t> fen;  // nullopt: cannot be estimated (missing data)
  bool capped = false;         // the cap applied
  std::string missing;         // the attribute key that would allow an estimate
  std::string text;  // "预计 30万元", "预计 48.5万元（按研发费用的10%，上限100万元）"
  //! How the figure was reached, for people: "定额", "按比例：研发费用 485万元 × 10%，上限100万元"
  //! (", 已按上限计" when capped), "按档：具有“专精特新中小企业”（近1年内取得）". Empty when nothing
  //! was estimated.
  std::string basis;
};

//! What this enterprise would receive. A tier whose condition is Unknown stops the search
//! (a higher tier might hold), so the estimate is nullopt with `missing` set.
Estimate EstimateAmount(const Amount& amount, const Schema& schema, const Facts& facts, core::Date today);

//! The formula in plain Chinese: "按研发费用的10%给予补助，最高100万元".
std::string DescribeAmount(const Amount& amount, const Schema& schema);

}  // namespace huiqi::rules
