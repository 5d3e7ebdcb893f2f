#include "files/guide_files.h"

#include <gtest/gtest.h>

#include <fstream>

#include "files/demo_documents.h"
#include "support/test_db.h"

namespace huiqi::files {
namespace {

namespace fs = std::filesystem;

class GuideFilesTest : public ::testing::TestWithParam<store::Kind> {
 protected:
  void SetUp() override {
    db_ = testing::FreshDatabase(GetParam());
    FileStoreOptions o;
    o.root = fs::path(testing::TempDir()) / "guide-files";
    store_ = std::make_unique<FileStore>(*db_, clock_, o);
    guides_ = std::make_unique<GuideFiles>(*db_, *store_, clock_);
    admin_.kind = auth::UserKind::kPlatformAdmin;
    admin_.login = "admin";
  }
  // A demo document, as seed-demo makes it, as an upload: "templates/…" a blank .docx, else a sample PDF.
  fs::path Upload(const std::string& demo) {
    fs::path p = store_->TempPath();
    FormSpec form = DemoForm("一次性扩岗补助", "一次性扩岗补助申请表");
    std::ofstream(p, std::ios::binary)
        << (demo.starts_with("templates/") ? BlankFormDocx(form) : SamplePdf(form));
    return p;
  }
  std::unique_ptr<store::Database> db_;
  core::FixedClock clock_{core::ShanghaiMidnight(core::Date::FromYmd(2026, 11, 23))};
  std::unique_ptr<FileStore> store_;
  std::unique_ptr<GuideFiles> guides_;
  auth::Principal admin_;
};

TEST_P(GuideFilesTest, APublishedTemplateIsFoundAtTheGuidesLinkWithItsRealType) {
  EXPECT_EQ(guides_->Find("/files/templates/wengang-expand.docx").error().kind, core::ErrorKind::kNotFound);
  auto t = guides_->Publish(admin_, "/files/templates/wengang-expand.docx",
                            Upload("templates/wengang-expand.docx"), "空白模板");
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  EXPECT_EQ(t->file.kind, Kind::kDocx);
  auto s = guides_->Publish(admin_, "/files/samples/wengang-expand.pdf", Upload("samples/wengang-expand.pdf"),
                            "填写样例");
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(s->file.kind, Kind::kPdf);
  auto found = guides_->Find("/files/templates/wengang-expand.docx");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->title, "空白模板");
  EXPECT_EQ(fs::file_size(store_->PathOf(found->file)),
            BlankFormDocx(DemoForm("一次性扩岗补助", "一次性扩岗补助申请表")).size());
  // Publishing again at the same path replaces the file.
  ASSERT_TRUE(guides_
                  ->Publish(admin_, "/files/templates/wengang-expand.docx",
                            Upload("samples/wengang-expand.pdf"), "改为 PDF")
                  .ok());
  EXPECT_EQ(guides_->Find("/files/templates/wengang-expand.docx")->file.kind, Kind::kPdf);
  EXPECT_EQ(guides_->Paths().value(), (std::vector<std::string>{"/files/samples/wengang-expand.pdf",
                                                                "/files/templates/wengang-expand.docx"}));
}

TEST_P(GuideFilesTest, OnlyOfficersPublishAndOnlyAtAGuideFilePath) {
  auth::Principal ent;
  ent.kind = auth::UserKind::kEnterprise;
  ent.uscc = "913204127123456136";
  fs::path temp = Upload("templates/wengang-expand.docx");
  EXPECT_EQ(guides_->Publish(ent, "/files/templates/x.docx", temp, "").error().kind,
            core::ErrorKind::kPermissionDenied);
  EXPECT_FALSE(fs::exists(temp));  // the upload does not linger
  for (const char* bad : {"/files/templates/../x.docx", "/files/other/x.docx", "/files/templates/.x",
                          "/files/templates/a/b.docx", "/files/templates/x"}) {
    auto r = guides_->Publish(admin_, bad, Upload("templates/wengang-expand.docx"), "");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().field, "path") << bad;
  }
  EXPECT_TRUE(IsGuideFilePath("/files/samples/longcheng-home.pdf"));
}

TEST_P(GuideFilesTest, OnlyThePublishingDepartmentOrTheAdminReplacesAFile) {
  constexpr store::Statement kDept{"test.dept",
                                   "INSERT INTO departments (code, name, level, created_at) VALUES "
                                   "(?, ?, 'municipal', '2026-01-01T00:00:00Z') RETURNING id"};
  auto officer = [&](const char* code, const char* name) {
    auth::Principal p;
    p.kind = auth::UserKind::kDepartmentStaff;
    p.roles = {auth::Role::kPolicyOfficer};
    p.login = code;
    EXPECT_TRUE(
        db_->Write([&](store::Session& s) -> core::Status {
             HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kDept, {std::string(code), std::string(name)}, "", ""));
             p.department_id = r.Int("id");
             return core::Ok();
           })
            .ok());
    return p;
  };
  auth::Principal rsj = officer("CZ-RSJ", "常州市人力资源和社会保障局"),
                  kjj = officer("CZ-KJJ", "常州市科学技术局");
  const std::string path = "/files/templates/wengang-expand.docx";
  ASSERT_TRUE(guides_->Publish(rsj, path, Upload("templates/x"), "空白模板").ok());
  auto refused = guides_->Publish(kjj, path, Upload("samples/x"), "他部门替换");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, core::ErrorKind::kPermissionDenied);
  EXPECT_EQ(guides_->Find(path)->file.kind, Kind::kDocx) << "the department's file is still served";
  ASSERT_TRUE(guides_->Publish(rsj, path, Upload("samples/x"), "本部门替换").ok());
  EXPECT_EQ(guides_->Find(path)->title, "本部门替换");
  ASSERT_TRUE(guides_->Publish(admin_, path, Upload("templates/x"), "管理员替换").ok());
  EXPECT_EQ(guides_->Find(path)->title, "管理员替换");
  // The admin's replacement keeps the owner: another department is still refused.
  EXPECT_EQ(guides_->Publish(kjj, path, Upload("samples/x"), "").error().kind,
            core::ErrorKind::kPermissionDenied);
}

INSTANTIATE_TEST_SUITE_P(Backends, GuideFilesTest, ::testing::ValuesIn(testing::Backends()),
                         testing::PrintBackend{});

}  // namespace
}  // namespace huiqi::files
