#include "core/reference_data.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace huiqi::core {
namespace {

ReferenceData Load() {
  const char* dir = std::getenv("HUIQI_DATA_DIR");
  auto r = ReferenceData::Load(std::string(dir ? dir : "data") + "/reference");
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().ToString());
  return r.ok() ? std::move(r).value() : ReferenceData{};
}

TEST(ReferenceData, HasJiangsuWithThirteenCities) {
  auto ref = Load();
  ASSERT_NE(ref.regions().Find("320000"), nullptr);
  EXPECT_EQ(ref.regions().Find("320000")->name, "江苏省");
  EXPECT_EQ(ref.regions().Children("320000").size(), 13u);
  EXPECT_EQ(ref.regions().Find("320400")->name, "常州市");
  EXPECT_EQ(ref.regions().Find("320281")->name, "江阴市");
  EXPECT_TRUE(ref.regions().IsUnder("320281", "320200"));
  EXPECT_TRUE(ref.regions().IsUnder("320281", "320000"));
  EXPECT_FALSE(ref.regions().IsUnder("320281", "320400"));
}

TEST(ReferenceData, HasAllIndustrySectionsAndDivisions) {
  auto ref = Load();
  int sections = 0, divisions = 0;
  for (const auto* e : ref.industries().All()) {
    sections += e->level == "section";
    divisions += e->level == "division";
  }
  EXPECT_EQ(sections, 20);   // 门类 A–T
  EXPECT_EQ(divisions, 97);  // 大类 01–97
  // The groups and classes the demo rules name, so a rule's "3973" reads 集成电路制造.
  ASSERT_NE(ref.industries().Find("3973"), nullptr);
  EXPECT_EQ(ref.industries().Find("3973")->name, "集成电路制造");
  EXPECT_TRUE(ref.industries().IsUnder("3973", "C"));
  EXPECT_EQ(ref.industries().Find("342")->name, "金属加工机械制造");
  EXPECT_TRUE(ref.industries().IsUnder("39", "C"));
  EXPECT_FALSE(ref.industries().IsUnder("39", "I"));
}

}  // namespace
}  // namespace huiqi::core
