#pragma once
// The attribute schema the rule language is checked against: what can be said about an
// enterprise (常州办法 第二十、二十一条: a matching model over the enterprise digital archive).
// Values of every numeric type are exact int64 at a fixed scale, so rules, columns and SQL
// compare integers only:
//   int      the number itself              (employees)
//   money    fen                            (revenue, registered capital)
//   percent  hundredths of a percent point  (3.5% → 350)
//   decimal  ten-thousandths                (1.25 → 12500)
//   date     days since 1970-01-01
// Codes (region, industry) and enums are strings; bool is 0/1; a tag set holds tag names with
// the date each tag was acquired.

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace huiqi::rules {

enum class AttrType { kInt, kDecimal, kMoney, kPercent, kDate, kCode, kEnum, kBool, kTagSet };

std::string_view AttrTypeCode(AttrType t);  // "int", "decimal", "money", …
core::Result<AttrType> ParseAttrType(std::string_view code);

constexpr int64_t kPercentScale = 100;    // stored units per percent point
constexpr int64_t kDecimalScale = 10000;  // stored units per 1

// Every member has a default, so `AttributeDef{key, label, type}` sets only the leading fields.
struct AttributeDef {
  std::string key{};    // ASCII identifier: "revenue"
  std::string label{};  // Chinese label: "营业收入"
  AttrType type = AttrType::kInt;
  std::string unit{};                      // display unit: "元", "人", "%", "年"
  std::string code_table{};                // kCode: "region" | "industry"
  std::vector<std::string> enum_values{};  // kEnum
  std::vector<std::string> aliases{};      // other names accepted in rules: "营收", "年营业收入"
  std::string source{};  // where the data comes from: "税务", "市场监管", "企业填报"
  bool derived = false;  // computed (age, scale), never typed in
  //! A fact about the enterprise that advice must not ask it to change (where it is registered,
  //! its ownership type, when it was founded, its industry): a near miss failing only on facts
  //! is no near miss. Figures (revenue, R&D, staff) and qualifications can change.
  bool fact = false;
};

//! The attributes rules may use; share by reference. Append-only: Add may run while other
//! threads read (a registered attribute reaches a running server without a restart). Readers
//! see a snapshot; every snapshot is kept for the schema's lifetime, so an AttributeDef pointer
//! or an attributes() reference stays valid (attributes are added rarely: the memory is small).
class Schema {
 public:
  Schema();
  Schema(const Schema& other);
  Schema& operator=(const Schema& other);
  Schema(Schema&& other) noexcept;
  Schema& operator=(Schema&& other) noexcept;
  ~Schema();

  //! Adds an attribute; kConflict when the key, label or an alias is taken, kInvalidArgument
  //! naming "key" when the key is not an ASCII identifier. Thread-safe.
  core::Status Add(AttributeDef def);
  //! By key, label or alias; nullptr when unknown.
  const AttributeDef* Find(std::string_view name) const;
  //! Names (keys, labels, aliases) closest to `name`, best first, for "did you mean".
  std::vector<const AttributeDef*> Suggest(std::string_view name, size_t max = 3) const;
  //! The current snapshot.
  const std::vector<AttributeDef>& attributes() const { return *current_.load(std::memory_order_acquire); }
  //! Every key, label and alias — the words the lexer must recognise in Chinese text.
  std::vector<std::string> AllNames() const;

 private:
  std::atomic<const std::vector<AttributeDef>*> current_;
  std::vector<std::unique_ptr<const std::vector<AttributeDef>>> snapshots_;  // guarded by mu_
  std::mutex mu_;
};

//! The built-in attributes of the enterprise archive (issue 4 §1).
Schema BuiltinSchema();
//! One shared, immutable instance of the built-in schema.
const Schema& BuiltinSchemaRef();

//! Edit distance between two UTF-8 strings, in code points.
size_t EditDistance(std::string_view a, std::string_view b);
//! Splits UTF-8 into code points.
std::vector<char32_t> DecodeUtf8(std::string_view s);
std::string EncodeUtf8(char32_t c);

}  // namespace huiqi::rules
