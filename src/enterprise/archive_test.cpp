#include "enterprise/archive.h"

#include <gtest/gtest.h>

#include "core/uscc.h"
#include "enterprise/generator.h"
#include "support/test_db.h"

namespace huiqi::enterprise {
namespace {

class ArchiveTest : public ::testing::TestWithParam<store::Kind> {};

TEST_P(ArchiveTest, GeneratedEnterprisesRoundTripThroughTheDatabase) {
  auto db = testing::FreshDatabase(GetParam());
  core::FixedClock clock(core::ShanghaiMidnight(core::Date::FromYmd(2026, 11, 22)));
  auto ref = core::ReferenceData::Load(testing::DataDir() + "/reference").value();
  Generator gen(ref, 42, core::Date::FromYmd(2026, 11, 22));
  std::vector<EnterpriseRecord> batch;
  for (int i = 0; i < 250; ++i) batch.push_back(gen.Next(i));
  Archive archive(*db, clock);
  ASSERT_TRUE(archive.InsertBatch(batch).ok());
  EXPECT_EQ(archive.Count().value(), 250);
  auto loaded = archive.LoadAllFacts();
  ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
  ASSERT_EQ(loaded->size(), 250u);
  int with_tags = 0, scaled = 0;
  for (size_t i = 0; i < batch.size(); ++i) {
    EXPECT_TRUE(core::ValidateUscc(batch[i].uscc).ok()) << batch[i].uscc;
    rules::Facts expected = batch[i].facts;
    DeriveScale(expected);
    const rules::Facts& got = (*loaded)[i].second;
    EXPECT_EQ(got.numbers, expected.numbers) << i;
    EXPECT_EQ(got.texts, expected.texts) << i;
    EXPECT_EQ(got.tags, expected.tags) << i;
    EXPECT_EQ(got.tags_known, expected.tags_known) << i;
    with_tags += !got.tags.empty();
    scaled += got.texts.count("scale") > 0;
  }
  EXPECT_GT(with_tags, 5);
  EXPECT_GT(scaled, 200);
  // A second batch continues the ids; a duplicate USCC writes nothing.
  std::vector<EnterpriseRecord> more = {gen.Next(1000), batch[0]};
  auto dup = archive.InsertBatch(more);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().kind, core::ErrorKind::kConflict);
  EXPECT_EQ(archive.Count().value(), 250);
}

INSTANTIATE_TEST_SUITE_P(Backends, ArchiveTest, ::testing::ValuesIn(testing::Backends()),
                         testing::PrintBackend{});

}  // namespace
}  // namespace huiqi::enterprise
