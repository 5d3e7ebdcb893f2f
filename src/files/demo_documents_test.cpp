#include "files/demo_documents.h"

#include <gtest/gtest.h>

namespace huiqi::files {
namespace {

TEST(DemoDocuments, ABlankFormIsAWordPackageNamingItsItemWithTheValueCellsEmpty) {
  FormSpec form = DemoForm("一次性扩岗补助", "一次性扩岗补助申请表");
  std::string docx = BlankFormDocx(form);
  EXPECT_EQ(docx.substr(0, 4), std::string("PK\x03\x04", 4));
  EXPECT_EQ(docx.substr(docx.size() - 22, 4), std::string("PK\x05\x06", 4));  // the central directory's end
  for (const char* part : {"[Content_Types].xml", "_rels/.rels", "word/document.xml"}) {
    EXPECT_NE(docx.find(part), std::string::npos) << part;
  }
  EXPECT_NE(docx.find("事项：一次性扩岗补助"), std::string::npos);
  EXPECT_EQ(docx.find("常州星辰智能装备有限公司"), std::string::npos)
      << "a blank form carries no sample values";
  EXPECT_EQ(docx, BlankFormDocx(form)) << "the same form gives the same bytes";
  EXPECT_NE(docx, BlankFormDocx(DemoForm("其他事项", "一次性扩岗补助申请表")));
}

TEST(DemoDocuments, ASamplePdfShowsTheFilledInValuesAndItsCrossReferenceTablePointsAtItsObjects) {
  std::string pdf = SamplePdf(DemoForm("一次性扩岗补助", "一次性扩岗补助申请表"));
  EXPECT_EQ(pdf.substr(0, 8), "%PDF-1.4");
  EXPECT_TRUE(pdf.ends_with("%%EOF\n"));
  // 扩 is U+6269: the text is UTF-16BE for the UniGB-UCS2-H encoding.
  EXPECT_NE(pdf.find("6269"), std::string::npos);
  size_t xref = std::stoul(pdf.substr(pdf.rfind("startxref\n") + 10));
  ASSERT_EQ(pdf.compare(xref, 4, "xref"), 0);
  size_t first = std::stoul(pdf.substr(xref + std::string("xref\n0 8\n0000000000 65535 f \n").size(), 10));
  EXPECT_EQ(pdf.compare(first, 7, "1 0 obj"), 0);
}

}  // namespace
}  // namespace huiqi::files
