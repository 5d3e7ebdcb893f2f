#include "core/csv.h"

#include <gtest/gtest.h>

namespace huiqi::core {
namespace {

TEST(Csv, ReadsQuotedFieldsDoubledQuotesAndBlankLines) {
  auto rows = ReadCsv("a,\"b,c\",\"say \"\"hi\"\"\"\r\n\n1,2,3");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"a", "b,c", "say \"hi\""}));
  EXPECT_TRUE(rows[1].empty());  // line 2 stays line 2
  EXPECT_EQ(rows[2], (std::vector<std::string>{"1", "2", "3"}));
}

TEST(Csv, ConvertsGbkAndDropsTheByteOrderMark) {
  auto utf8 = CsvToUtf8("\xEF\xBB\xBF\xE9\x87\x91\xE9\xA2\x9D");  // BOM + 金额
  ASSERT_TRUE(utf8.ok());
  EXPECT_EQ(*utf8, "金额");
  auto gbk = CsvToUtf8("\xBD\xF0\xB6\xEE");  // 金额 in GBK
  ASSERT_TRUE(gbk.ok());
  EXPECT_EQ(*gbk, "金额");
  auto bad = CsvToUtf8("\xFF\xFF\xFF");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "file");
}

TEST(Csv, WritesFieldsThatReadBackAndDefusesFormulas) {
  for (std::string v : {"plain", "with,comma", "with \"quote\"", "two\nlines"}) {
    auto rows = ReadCsv(CsvField(v) + "\n");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0][0], v);
  }
  EXPECT_EQ(CsvField("=SUM(A1)"), "'=SUM(A1)");
  EXPECT_EQ(CsvField("-12.50"), "-12.50");
  EXPECT_EQ(TrimField("\u3000 金额 \t"), "金额");
}

}  // namespace
}  // namespace huiqi::core
