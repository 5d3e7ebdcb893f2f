#include "rules/schema.h"

#include <gtest/gtest.h>

#include <thread>

#include "rules/rule.h"

namespace huiqi::rules {
namespace {

TEST(SchemaTest, AttributesAddedWhileOthersParseAreSeenAndOldPointersStayValid) {
  Schema schema = BuiltinSchema();
  const AttributeDef* revenue = schema.Find("revenue");
  ASSERT_NE(revenue, nullptr);
  size_t builtin = schema.attributes().size();
  std::atomic<bool> done{false};
  std::atomic<int> parsed{0};
  std::atomic<bool> started{false};
  std::thread reader([&] {
    do {
      auto r = Parse("营业收入 >= 2000万 and employees >= 10", schema);
      if (r.ok()) parsed.fetch_add(1);
      for (const auto& a : schema.attributes()) ASSERT_FALSE(a.key.empty());
      started = true;
    } while (!done.load());
  });
  while (!started.load()) std::this_thread::yield();  // add while the reader is reading
  for (int i = 0; i < 50; ++i) {
    AttributeDef d{"custom_" + std::to_string(i), "自定义属性" + std::to_string(i), AttrType::kInt};
    ASSERT_TRUE(schema.Add(d).ok());
  }
  done = true;
  reader.join();
  EXPECT_GT(parsed.load(), 0);
  EXPECT_EQ(schema.attributes().size(), builtin + 50);
  EXPECT_EQ(revenue->key, "revenue");  // a pointer from the first snapshot
  EXPECT_TRUE(Parse("自定义属性49 >= 3", schema).ok());
  EXPECT_EQ(schema.Add({"custom_1", "另一个", AttrType::kInt}).error().kind, core::ErrorKind::kConflict);
  Schema copy = schema;
  EXPECT_EQ(copy.attributes().size(), builtin + 50);
}

}  // namespace
}  // namespace huiqi::rules
