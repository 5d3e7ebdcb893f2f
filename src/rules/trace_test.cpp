#include "rules/trace.h"

#include <gtest/gtest.h>

namespace huiqi::rules {
namespace {

TEST(NotNeededTest, BranchesOfAHoldingOrAreNotNeeded) {
  const Schema& schema = BuiltinSchemaRef();
  Node rule =
      Parse(
          R"(region under "3204" and (industry under "C" or industry under "I" or industry under "M") and not dishonest)",
          schema)
          .value();
  using T = Truth;
  auto marks = NotNeeded(rule, {T::kTrue, T::kTrue, T::kFalse, T::kFalse, T::kTrue});
  EXPECT_EQ(marks, (std::vector<bool>{false, false, true, true, false}));
  // No branch holds: every branch mattered.
  marks = NotNeeded(rule, {T::kTrue, T::kFalse, T::kFalse, T::kUnknown, T::kTrue});
  EXPECT_EQ(marks, (std::vector<bool>{false, false, false, false, false}));
  // Nested: (a and b) or c with c true: a and b not needed even though a holds.
  Node nested = Parse(R"((employees >= 10 and revenue >= 1万) or has "高新技术企业")", schema).value();
  marks = NotNeeded(nested, {T::kTrue, T::kFalse, T::kTrue});
  EXPECT_EQ(marks, (std::vector<bool>{true, true, false}));
  // not (a or b): a holding makes the or hold; b is not needed.
  Node negated = Parse(R"(not (dishonest or tax_credit_grade = "D"))", schema).value();
  marks = NotNeeded(negated, {T::kTrue, T::kFalse});
  EXPECT_EQ(marks, (std::vector<bool>{false, true}));
}

}  // namespace
}  // namespace huiqi::rules
