#include "files/file_store.h"

#include <gtest/gtest.h>

#include <fstream>

#include "support/test_db.h"

namespace huiqi::files {
namespace {

namespace fs = std::filesystem;

constexpr store::Statement kInsertUser{
    "test.insert_user",
    "INSERT INTO users (login, display_name, kind, password_hash, created_at, updated_at) "
    "VALUES ('u', 'u', 'enterprise', 'x', '2026-01-01T00:00:00+08:00', '2026-01-01T00:00:00+08:00') "
    "RETURNING id"};

//! A zip with stored (uncompressed) entries, as a generator of OFD/DOCX/XLSX-shaped files.
std::string Zip(const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string out;
  auto u16 = [&](uint16_t v) { out += static_cast<char>(v & 0xff), out += static_cast<char>(v >> 8); };
  auto u32 = [&](uint32_t v) { u16(static_cast<uint16_t>(v & 0xffff)), u16(static_cast<uint16_t>(v >> 16)); };
  for (const auto& [name, data] : entries) {
    out += "PK\x03\x04";
    u16(20), u16(0), u16(0), u16(0), u16(0), u32(0);  // version, flags, method stored, time, date, crc
    u32(static_cast<uint32_t>(data.size())), u32(static_cast<uint32_t>(data.size()));
    u16(static_cast<uint16_t>(name.size())), u16(0);
    out += name + data;
  }
  return out;
}

const std::string kPng(
    "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9c"
    "c\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8\x4d\0\0\0\0IEND\xae\x42\x60\x82",
    67);
const std::string kPdf = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
const std::string kJpeg("\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0\xff\xd9", 22);

class FileStoreTest : public ::testing::TestWithParam<store::Kind> {
 protected:
  void SetUp() override {
    db_ = testing::FreshDatabase(GetParam());
    root_ = fs::path(testing::TempDir()) / "files";
    FileStoreOptions o;
    o.root = root_;
    o.max_file_bytes = 4096;
    store_ = std::make_unique<FileStore>(*db_, clock_, o);
    ent_.kind = auth::UserKind::kEnterprise;
    ent_.uscc = "913204127123456136";
    ent_.user_id = db_->WriteValue<int64_t>([](store::Session& s) -> core::Result<int64_t> {
                        HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kInsertUser, {}, "", ""));
                        return r.Int("id");
                      })
                       .value();
  }
  fs::path Upload(const std::string& bytes) {
    fs::path p = store_->TempPath();
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }
  std::unique_ptr<store::Database> db_;
  fs::path root_;
  core::FixedClock clock_{core::ShanghaiMidnight(core::Date::FromYmd(2026, 12, 2))};
  std::unique_ptr<FileStore> store_;
  auth::Principal ent_;
};

TEST_P(FileStoreTest, EachAllowedTypeIsRecognisedByItsContent) {
  struct Case {
    std::string bytes, name;
    Kind kind;
  };
  std::vector<Case> cases = {
      {kPdf, "营业执照.png", Kind::kPdf},  // the name lies; the content decides
      {kPng, "a.png", Kind::kPng},
      {kJpeg, "b.jpg", Kind::kJpeg},
      {Zip({{"OFD.xml", "<ofd:OFD/>"}, {"Doc_0/Document.xml", "<x/>"}}), "c.ofd", Kind::kOfd},
      {Zip({{"[Content_Types].xml", "<Types/>"}, {"word/document.xml", "<w:document/>"}}), "d.docx",
       Kind::kDocx},
      {Zip({{"[Content_Types].xml", "<Types/>"}, {"xl/workbook.xml", "<workbook/>"}}), "e.xlsx", Kind::kXlsx},
  };
  for (const auto& c : cases) {
    auto f = store_->Accept(Upload(c.bytes), ent_, c.name, "material");
    ASSERT_TRUE(f.ok()) << c.name << ": " << f.error().ToString();
    EXPECT_EQ(f->kind, c.kind) << c.name;
    EXPECT_TRUE(fs::exists(store_->PathOf(*f))) << c.name;
    EXPECT_EQ(f->owner_uscc, ent_.uscc);
  }
}

TEST_P(FileStoreTest, OtherTypesOversizeAndEmptyFilesAreRefusedAndLeaveNothing) {
  for (const std::string& bad :
       {std::string("<html><script>alert(1)</script></html>"), std::string("MZ\x90\0\x03", 5),
        Zip({{"evil.exe", "MZ"}}), std::string("plain text")}) {
    fs::path temp = Upload(bad);
    auto f = store_->Accept(temp, ent_, "x.pdf", "material");
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.error().code, "file_type");
    EXPECT_NE(f.error().message.find("PDF"), std::string::npos);
    EXPECT_FALSE(fs::exists(temp)) << "the temporary file is removed";
  }
  auto big = store_->Accept(Upload(kPdf + std::string(5000, ' ')), ent_, "big.pdf", "");
  EXPECT_EQ(big.error().kind, core::ErrorKind::kPayloadTooLarge);
  EXPECT_EQ(store_->Accept(Upload(""), ent_, "e.pdf", "").error().code, "file_empty");
  size_t stored = 0;
  std::error_code ec;
  if (fs::exists(root_ / "sha256")) {
    for (auto it = fs::recursive_directory_iterator(root_ / "sha256", ec);
         it != fs::recursive_directory_iterator(); ++it) {
      stored += it->is_regular_file();
    }
  }
  EXPECT_EQ(stored, 0u);
}

TEST_P(FileStoreTest, TheSameContentIsStoredOnceAndReadOnlyByItsOwners) {
  auto a = store_->Accept(Upload(kPdf), ent_, "a.pdf", "").value();
  auto b = store_->Accept(Upload(kPdf), ent_, "b.pdf", "").value();
  EXPECT_NE(a.id, b.id);
  EXPECT_EQ(store_->PathOf(a), store_->PathOf(b));
  EXPECT_EQ(Sha256OfFile(store_->PathOf(a)).value(), a.sha256);
  auto back = store_->Get(a.id).value();
  EXPECT_EQ(back.original_name, "a.pdf");
  EXPECT_TRUE(store_->CheckRead(ent_, back).ok());
  auth::Principal other = ent_;
  other.uscc = "91320411712345728X";
  EXPECT_EQ(store_->CheckRead(other, back).error().kind, core::ErrorKind::kNotFound) << "another enterprise";
  auth::Principal reviewer;
  reviewer.kind = auth::UserKind::kDepartmentStaff;
  reviewer.department_id = 3;
  EXPECT_FALSE(store_->CheckRead(reviewer, back).ok());
  EXPECT_TRUE(
      store_->CheckRead(reviewer, back, [](const auth::Principal& p) { return p.department_id == 3; }).ok())
      << "a department reviewing the application it belongs to";
  auth::Principal admin;
  admin.kind = auth::UserKind::kPlatformAdmin;
  EXPECT_TRUE(store_->CheckRead(admin, back).ok());
}

TEST_P(FileStoreTest, AScannerCanRefuseAFile) {
  struct Refuse : Scanner {
    core::Status Scan(const fs::path&) override {
      return core::InvalidArgument("file", "file_rejected", "文件未通过病毒扫描", "infected");
    }
  } refuse;
  FileStoreOptions o;
  o.root = root_;
  FileStore guarded(*db_, clock_, o, &refuse);
  fs::path temp = guarded.TempPath();
  std::ofstream(temp, std::ios::binary) << kPdf;
  EXPECT_EQ(guarded.Accept(temp, ent_, "a.pdf", "").error().code, "file_rejected");
  EXPECT_FALSE(fs::exists(temp));
}

INSTANTIATE_TEST_SUITE_P(Backends, FileStoreTest, ::testing::ValuesIn(testing::Backends()),
                         testing::PrintBackend{});

}  // namespace
}  // namespace huiqi::files
