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
    (e->level == "section" ? sections : divisions)++;
  }
  EXPECT_EQ(sections, 20);   // 门类 A–T
  EXPECT_EQ(divisions, 97);  // 大类 01–97
  EXPECT_TRUE(ref.industries().IsUnder("39", "C"));
  EXPECT_FALSE(ref.industries().IsUnder("39", "I"));
}

}  // namespace
}  // namespace huiqi::core
