#include "enterprise/profile.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "enterprise/attributes.h"
#include "enterprise/data_sources.h"
#include "support/test_db.h"

namespace huiqi::enterprise {
namespace {

using nlohmann::json;

constexpr const char* kXingchen = "913204127123456136";
constexpr const char* kLvyuan = "91320411712345728X";

TEST(SetFactTest, ParsesValuesAsPeopleWriteThemAndNamesTheField) {
  const rules::Schema& schema = rules::BuiltinSchemaRef();
  auto ref = core::ReferenceData::Load(testing::DataDir() + "/reference").value();
  rules::Facts f;
  ASSERT_TRUE(SetFact(f, *schema.Find("营业收入"), json("2.3亿元"), &ref, "revenue").ok());
  EXPECT_EQ(f.numbers["revenue"], 2'3000'0000'00LL);
  ASSERT_TRUE(SetFact(f, *schema.Find("rd_ratio"), json("6.15%"), &ref, "rd_ratio").ok());
  EXPECT_EQ(f.numbers["rd_ratio"], 615);
  ASSERT_TRUE(SetFact(f, *schema.Find("employees"), json(186), &ref, "employees").ok());
  EXPECT_EQ(f.numbers["employees"], 186);
  ASSERT_TRUE(SetFact(f, *schema.Find("dishonest"), json("否"), &ref, "dishonest").ok());
  EXPECT_EQ(f.numbers["dishonest"], 0);
  ASSERT_TRUE(SetFact(f, *schema.Find("industry"), json("c3411"), &ref, "industry").ok());
  EXPECT_EQ(f.texts["industry"], "C3411");

  auto bad_region = SetFact(f, *schema.Find("region"), json("329999"), &ref, "region");
  ASSERT_FALSE(bad_region.ok());
  EXPECT_EQ(bad_region.error().field, "region");
  auto bad_industry = SetFact(f, *schema.Find("industry"), json("A34"), &ref, "industry");  // 34 is under C
  ASSERT_FALSE(bad_industry.ok());
  EXPECT_NE(bad_industry.error().message.find("不属于门类"), std::string::npos);
  EXPECT_FALSE(SetFact(f, *schema.Find("rd_ratio"), json("6.155%"), &ref, "rd_ratio").ok());
  EXPECT_FALSE(SetFact(f, *schema.Find("tax_credit_grade"), json("AA"), &ref, "tax_credit_grade").ok());
  EXPECT_FALSE(SetFact(f, *schema.Find("scale"), json("小型"), &ref, "scale").ok());  // derived
  EXPECT_FALSE(SetFact(f, *schema.Find("employees"), json("-3"), &ref, "employees").ok());
  ASSERT_TRUE(SetFact(f, *schema.Find("employees"), json(""), &ref, "employees").ok());
  EXPECT_EQ(f.numbers.count("employees"), 0u);  // empty = unknown

  ASSERT_TRUE(SetTags(f, "高新技术企业@2024-11-20；科技型中小企业", "tags").ok());
  EXPECT_TRUE(f.tags_known);
  ASSERT_EQ(f.tags.size(), 2u);
  EXPECT_EQ(f.tags["高新技术企业"], core::Date::FromYmd(2024, 11, 20).days());
  EXPECT_FALSE(f.tags["科技型中小企业"].has_value());
  EXPECT_FALSE(SetTags(f, "高新技术企业@2024-13-01", "tags").ok());
}

class ProfileTest : public ::testing::TestWithParam<store::Kind> {
 protected:
  void SetUp() override {
    db_ = testing::FreshDatabase(GetParam());
    ref_ = core::ReferenceData::Load(testing::DataDir() + "/reference").value();
    svc_ = std::make_unique<ProfileService>(*db_, clock_, rules::BuiltinSchemaRef(), &ref_);
  }
  std::unique_ptr<store::Database> db_;
  core::FixedClock clock_{core::ShanghaiMidnight(core::Date::FromYmd(2026, 11, 23))};
  core::ReferenceData ref_;
  std::unique_ptr<ProfileService> svc_;
  audit::Actor cli_{std::nullopt, "cli"};

  //! A municipal department; its id.
  int64_t AddDepartment(const std::string& code, const std::string& name) {
    constexpr store::Statement kDept{"test.dept",
                                     "INSERT INTO departments (code, name, level, created_at) VALUES (?, ?, "
                                     "'municipal', '2026-01-01T00:00:00Z') RETURNING id"};
    auto id = db_->WriteValue<int64_t>([&](store::Session& s) -> core::Result<int64_t> {
      HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kDept, {code, name}, "", ""));
      return r.Int("id");
    });
    EXPECT_TRUE(id.ok());
    return id.ok() ? *id : 0;
  }
};

TEST_P(ProfileTest, UpsertKeepsHistoryAndIsIdempotent) {
  const rules::Schema& schema = rules::BuiltinSchemaRef();
  EnterpriseRecord rec{kXingchen, "常州星辰智能装备有限公司", {}};
  ASSERT_TRUE(SetFact(rec.facts, *schema.Find("employees"), json(186), &ref_, "employees").ok());
  ASSERT_TRUE(SetFact(rec.facts, *schema.Find("industry"), json("C34"), &ref_, "industry").ok());
  ASSERT_TRUE(SetFact(rec.facts, *schema.Find("revenue"), json("2.3亿元"), &ref_, "revenue").ok());
  auto first = svc_->Upsert(cli_, rec, {"employees", "industry", "revenue"}, "演示");
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_TRUE(first->created);
  auto again = svc_->Upsert(cli_, rec, {"employees", "industry", "revenue"}, "演示");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->changed, 0);

  rec.facts.numbers["employees"] = 320;
  auto changed = svc_->Upsert(cli_, rec, {"employees"}, "人社");
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed->changed, 1);
  auto p = svc_->Get(kXingchen).value();
  EXPECT_EQ(p.facts.numbers["employees"], 320);
  EXPECT_EQ(p.facts.texts["scale"], "中型");  // C: 300+ staff and 2000万+ revenue
  auth::Principal admin;
  admin.kind = auth::UserKind::kPlatformAdmin;
  auto history = svc_->History(admin, kXingchen).value();
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history[0].attribute, "employees");
  EXPECT_EQ(history[0].old_value, "186");
  EXPECT_EQ(history[0].new_value, "320");
  EXPECT_EQ(history[0].source, "人社");

  // Another enterprise's user may not read it.
  auth::Principal other;
  other.kind = auth::UserKind::kEnterprise;
  other.uscc = kLvyuan;
  EXPECT_EQ(svc_->GetFor(other, kXingchen).error().kind, core::ErrorKind::kPermissionDenied);
  EXPECT_EQ(svc_->History(other, kXingchen).error().kind, core::ErrorKind::kPermissionDenied);
}

// 常州办法 第十八条: when a qualification reached the platform, and from which department.
TEST_P(ProfileTest, ATagKeepsWhenAndFromWhomItArrived) {
  constexpr store::Statement kReceipts{
      "test.receipts",
      "SELECT t.tag, t.acquired_on, t.received_on, t.source, t.department_id FROM enterprise_tags t JOIN "
      "enterprises e ON e.id = t.enterprise_id WHERE e.uscc = ? ORDER BY t.tag"};
  int64_t kjj = AddDepartment("CZ-KJJ2", "常州市科学技术局");
  ASSERT_TRUE(SetDataSourceOwner(*db_, clock_, cli_, "科技局", "CZ-KJJ2").ok());
  EnterpriseRecord rec{kXingchen, "常州星辰智能装备有限公司", {}};
  ASSERT_TRUE(SetTags(rec.facts, "高新技术企业@2026-11-16", "tags").ok());
  ASSERT_TRUE(svc_->Upsert(cli_, rec, {"tags"}, "科技局").ok());
  auto rows = [&] {
    return db_
        ->ReadValue<std::vector<store::Row>>(
            [&](store::Session& s) { return s.Query(kReceipts, {kXingchen}); })
        .value();
  };
  auto first = rows();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].Text("acquired_on"), "2026-11-16");
  EXPECT_EQ(first[0].Text("received_on"), "2026-11-23");  // the fixture's today
  EXPECT_EQ(first[0].Text("source"), "科技局");
  EXPECT_EQ(first[0].Int("department_id"), kjj);
  // A week later a second tag arrives from a source nobody owns; the first keeps its receipt.
  clock_.Set(core::ShanghaiMidnight(core::Date::FromYmd(2026, 11, 30)));
  ASSERT_TRUE(SetTags(rec.facts, "高新技术企业@2026-11-16;专精特新中小企业@2026-11-27", "tags").ok());
  ASSERT_TRUE(svc_->Upsert(cli_, rec, {"tags"}, "导入").ok());
  auto second = rows();
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second[1].Text("tag"), "高新技术企业");
  EXPECT_EQ(second[1].Text("received_on"), "2026-11-23");
  EXPECT_EQ(second[1].Int("department_id"), kjj);
  EXPECT_EQ(second[0].Text("tag"), "专精特新中小企业");
  EXPECT_EQ(second[0].Text("received_on"), "2026-11-30");
  EXPECT_TRUE(second[0].IsNull("department_id"));
  // A re-granted tag (a new date) is a new arrival.
  ASSERT_TRUE(SetTags(rec.facts, "高新技术企业@2026-11-28;专精特新中小企业@2026-11-27", "tags").ok());
  ASSERT_TRUE(svc_->Upsert(cli_, rec, {"tags"}, "科技局").ok());
  EXPECT_EQ(rows()[1].Text("received_on"), "2026-11-30");
  EXPECT_EQ(rows()[0].Text("received_on"), "2026-11-30");
}

TEST_P(ProfileTest, CsvImportIsAllOrNothingUnlessAskedToSkip) {
  std::string csv =
      "统一社会信用代码,企业名称,注册地,行业,从业人数,营业收入,研发费用占比,tags\n"
      "913204127123456136,星辰,320412,C34,186,2.3亿元,6.1%,高新技术企业@2024-11-20\n"
      "91320411712345728X,绿源,320411,C38,95,8000万,\"3.5%\",\n"
      "913204127123456137,坏代码,320412,C34,10,100万,1%,\n"
      "913204027123458321,瑞康,320402,C27,abc,1亿,4%,\n";
  std::istringstream in1(csv);
  auto strict = svc_->ImportCsv(cli_, in1, {});
  ASSERT_TRUE(strict.ok()) << strict.error().ToString();
  EXPECT_FALSE(strict->committed);
  EXPECT_EQ(strict->rows, 4);
  EXPECT_EQ(strict->invalid, 2);
  ASSERT_EQ(strict->errors.size(), 2u);
  EXPECT_EQ(strict->errors[0].row, 4);
  EXPECT_EQ(strict->errors[0].field, "uscc");
  EXPECT_EQ(strict->errors[1].row, 5);
  EXPECT_EQ(strict->errors[1].field, "employees");
  EXPECT_EQ(svc_->Get(kXingchen).error().kind, core::ErrorKind::kNotFound);  // nothing written

  std::istringstream in2(csv);
  auto skipping = svc_->ImportCsv(cli_, in2, {true, "导入"});
  ASSERT_TRUE(skipping.ok());
  EXPECT_TRUE(skipping->committed);
  EXPECT_EQ(skipping->created, 2);
  auto lvyuan = svc_->Get(kLvyuan).value();
  EXPECT_EQ(lvyuan.facts.numbers["rd_ratio"], 350);
  EXPECT_TRUE(lvyuan.facts.tags_known);
  EXPECT_TRUE(lvyuan.facts.tags.empty());

  std::istringstream in3(csv);
  auto rerun = svc_->ImportCsv(cli_, in3, {true, "导入"});
  ASSERT_TRUE(rerun.ok());
  EXPECT_EQ(rerun->created, 0);
  EXPECT_EQ(rerun->updated, 0);
  EXPECT_EQ(rerun->unchanged, 2);

  // Excel in a Chinese locale writes GBK: converted, not stored as mojibake. Junk is refused.
  std::string gbk = "uscc,\xC6\xF3\xD2\xB5\xC3\xFB\xB3\xC6\n" + std::string(kLvyuan) +
                    ",\xC2\xCC\xD4\xB4\xD0\xC2\xC4\xDC\xD4\xB4\n";  // 企业名称 / 绿源新能源
  std::istringstream gbk_in(gbk);
  auto converted = svc_->ImportCsv(cli_, gbk_in, {});
  ASSERT_TRUE(converted.ok()) << converted.error().ToString();
  EXPECT_EQ(converted->updated, 1);
  EXPECT_EQ(svc_->Get(kLvyuan)->name, "绿源新能源");
  std::istringstream junk(std::string("uscc\n\xFF\xFE\xFF\x80\x80\n"));
  auto refused = svc_->ImportCsv(cli_, junk, {});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field, "file");

  std::istringstream bad_header("uscc,营收额\n");
  auto header = svc_->ImportCsv(cli_, bad_header, {});
  ASSERT_FALSE(header.ok());
  EXPECT_EQ(header.error().field, "header");
}

TEST_P(ProfileTest, CorrectionsAreProposedByTheEnterpriseAndResolvedByReviewers) {
  EnterpriseRecord rec{kXingchen, "常州星辰智能装备有限公司", {}};
  rec.facts.numbers["employees"] = 186;
  ASSERT_TRUE(svc_->Upsert(cli_, rec, {"employees"}, "演示").ok());
  auth::Principal ent;
  ent.user_id = 0;
  ent.login = "ent_xingchen";
  ent.kind = auth::UserKind::kEnterprise;
  ent.uscc = kXingchen;
  auto bad = svc_->ProposeCorrection(ent, "employees", json("很多"), "");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "value");
  auto c = svc_->ProposeCorrection(ent, "从业人数", json("210"), "2026年10月社保人数");
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->current_value, "186");
  EXPECT_EQ(c->proposed_value, "210");
  EXPECT_EQ(c->data_source, "人社");
  EXPECT_EQ(svc_->Get(kXingchen)->facts.numbers["employees"], 186);  // not yet

  EXPECT_EQ(svc_->ResolveCorrection(ent, c->id, true, "").error().kind, core::ErrorKind::kPermissionDenied);
  auth::Principal admin;
  admin.login = "admin";
  admin.kind = auth::UserKind::kPlatformAdmin;
  auto resolved = svc_->ResolveCorrection(admin, c->id, true, "");
  ASSERT_TRUE(resolved.ok()) << resolved.error().ToString();
  EXPECT_EQ(resolved->status, CorrectionStatus::kAccepted);
  EXPECT_EQ(svc_->Get(kXingchen)->facts.numbers["employees"], 210);
  EXPECT_EQ(svc_->ResolveCorrection(admin, c->id, false, "x").error().code, "already_resolved");
  EXPECT_EQ(svc_->ListCorrections(ent, "").value().size(), 1u);
}

// Issue 12 finding 1: 资产总额 typed as 18000 meaning 万元 went live as 1.8万元.
TEST_P(ProfileTest, ACorrectionIsParsedInItsUnitConfirmedWhenTenfoldAndRoutedToTheSourceOwner) {
  int64_t tax = AddDepartment("CZ-SWU", "国家税务总局常州市税务局");
  ASSERT_TRUE(SetDataSourceOwner(*db_, clock_, cli_, "税务", "CZ-SWU").ok());
  EnterpriseRecord rec{kXingchen, "常州星辰智能装备有限公司", {}};
  rec.facts.numbers["total_assets"] = 1'800'000;  // 1.8 万元: the figure the slip left behind
  ASSERT_TRUE(svc_->Upsert(cli_, rec, {"total_assets"}, "演示").ok());
  auth::Principal ent;
  ent.login = "ent_xingchen";
  ent.kind = auth::UserKind::kEnterprise;
  ent.uscc = kXingchen;

  CorrectionRequest req{
      .attribute = "资产总额", .value = json("18000"), .unit = "万元", .note = "2025 年审计报告"};
  auto unconfirmed = svc_->ProposeCorrection(ent, req);
  ASSERT_FALSE(unconfirmed.ok());
  EXPECT_EQ(unconfirmed.error().code, "large_change");
  EXPECT_EQ(unconfirmed.error().field, "value");
  EXPECT_NE(unconfirmed.error().message.find("18,000 万元"), std::string::npos)
      << unconfirmed.error().message;
  EXPECT_NE(unconfirmed.error().message.find("1.8 万元"), std::string::npos);
  EXPECT_TRUE(svc_->ListCorrections(ent, "").value().empty());  // nothing stored

  auto bad_unit = svc_->ProposeCorrection(
      ent, CorrectionRequest{.attribute = "total_assets", .value = json("5"), .unit = "人"});
  ASSERT_FALSE(bad_unit.ok());
  EXPECT_EQ(bad_unit.error().field, "unit");

  req.confirm_large_change = true;
  auto c = svc_->ProposeCorrection(ent, req);
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->unit, "万元");
  EXPECT_EQ(c->current_in_unit, "1.8");
  EXPECT_EQ(c->proposed_in_unit, "18,000");
  EXPECT_TRUE(c->large_change_confirmed);
  ASSERT_TRUE(c->department_id.has_value());
  EXPECT_EQ(*c->department_id, tax);
  EXPECT_EQ(c->department_name, "国家税务总局常州市税务局");
  json j = CorrectionJson(*c);
  EXPECT_EQ(j["note"], "2025 年审计报告");
  EXPECT_EQ(j["proposed_in_unit"], "18,000");

  // Another department's reviewer may not decide on 税务 data; the tax bureau's may.
  auth::Principal kjj;
  kjj.login = "kjj_reviewer";
  kjj.kind = auth::UserKind::kDepartmentStaff;
  kjj.department_id = tax + 1000;
  kjj.roles = {auth::Role::kReviewer};
  EXPECT_TRUE(svc_->ListCorrections(kjj, "").value().empty());
  EXPECT_EQ(svc_->ResolveCorrection(kjj, c->id, true, "").error().kind, core::ErrorKind::kPermissionDenied);
  auth::Principal swu = kjj;
  swu.login = "sju_reviewer";
  swu.department_id = tax;
  ASSERT_EQ(svc_->ListCorrections(swu, "pending").value().size(), 1u);
  ASSERT_TRUE(svc_->ResolveCorrection(swu, c->id, true, "").ok());
  EXPECT_EQ(svc_->Get(kXingchen)->facts.numbers["total_assets"], 18'000'000'000);
  auto shown =
      ProfileJson(*svc_->Get(kXingchen), rules::BuiltinSchemaRef(), core::Date::FromYmd(2026, 11, 23));
  for (const auto& a : shown["attributes"]) {
    if (a["key"] == "total_assets") {
      EXPECT_EQ(a["in_unit"], "18,000");
      EXPECT_EQ(a["input_unit"], "万元");
    }
  }
}

TEST_P(ProfileTest, ANewEnterpriseDeclaresItsFiguresUntilADepartmentsDataArrives) {
  auth::Principal ent;
  ent.login = "ent_new";
  ent.display_name = "常州新芽科技有限公司";
  ent.kind = auth::UserKind::kEnterprise;
  ent.uscc = kLvyuan;
  ASSERT_EQ(svc_->Get(kLvyuan).error().kind, core::ErrorKind::kNotFound);
  auto bad = svc_->Declare(ent, "", {{"employees", json("很多"), "人"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "values.employees");
  EXPECT_EQ(svc_->Get(kLvyuan).error().kind, core::ErrorKind::kNotFound);  // nothing written

  auto p = svc_->Declare(
      ent, "",
      {{"employees", json("35"), "人"}, {"revenue", json("1200"), "万元"}, {"region", json("320412"), ""}});
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  EXPECT_EQ(p->name, "常州新芽科技有限公司");
  EXPECT_EQ(p->facts.numbers["revenue"], 1'200'000'000);
  EXPECT_EQ(p->self_declared, (std::set<std::string>{"employees", "region", "revenue"}));
  auto history = svc_->History(ent, kLvyuan).value();
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history.front().source, "企业自报");

  // The department's figure replaces the declared one; from then on it is corrected, not declared.
  EnterpriseRecord rec{kLvyuan, "常州新芽科技有限公司", {}};
  rec.facts.numbers["employees"] = 38;
  ASSERT_TRUE(svc_->Upsert(cli_, rec, {"employees"}, "导入").ok());
  EXPECT_EQ(svc_->Get(kLvyuan)->self_declared, (std::set<std::string>{"region", "revenue"}));
  auto refused = svc_->Declare(ent, "", {{"employees", json("40"), "人"}});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field, "values.employees");
  EXPECT_TRUE(svc_->Declare(ent, "", {{"revenue", json("1300"), "万元"}}).ok());

  auth::Principal staff;
  staff.kind = auth::UserKind::kDepartmentStaff;
  EXPECT_EQ(svc_->Declare(staff, "", {{"revenue", json("1"), "万元"}}).error().kind,
            core::ErrorKind::kPermissionDenied);
}

TEST_P(ProfileTest, RegisteredAttributesAreStoredLoadedAndValidated) {
  auth::Principal admin;
  admin.login = "admin";
  admin.kind = auth::UserKind::kPlatformAdmin;
  auth::Principal staff;
  staff.kind = auth::UserKind::kDepartmentStaff;
  rules::AttributeDef patents{"patents",    "有效发明专利数", rules::AttrType::kInt, "件", "", {},
                              {"发明专利"}, "市场监管"};
  EXPECT_EQ(AddAttribute(*db_, clock_, staff, patents, std::nullopt).error().kind,
            core::ErrorKind::kPermissionDenied);
  rules::AttributeDef bad_key = patents;
  bad_key.key = "9patents";
  EXPECT_EQ(AddAttribute(*db_, clock_, admin, bad_key, std::nullopt).error().field, "key");
  rules::AttributeDef taken = patents;
  taken.label = "营业收入";
  EXPECT_EQ(AddAttribute(*db_, clock_, admin, taken, std::nullopt).error().kind, core::ErrorKind::kConflict);
  rules::AttributeDef no_values{"level", "园区等级", rules::AttrType::kEnum};
  EXPECT_EQ(AddAttribute(*db_, clock_, admin, no_values, std::nullopt).error().field, "enum_values");
  ASSERT_TRUE(AddAttribute(*db_, clock_, admin, patents, core::Date::FromYmd(2026, 6, 30)).ok());
  rules::AttributeDef park{"park_level", "园区等级", rules::AttrType::kEnum, "", "", {"国家级", "省级"},
                           {},           "发改"};
  ASSERT_TRUE(AddAttribute(*db_, clock_, admin, park, std::nullopt).ok());

  rules::Schema schema = LoadSchema(*db_).value();
  ASSERT_NE(schema.Find("发明专利"), nullptr);
  ProfileService svc(*db_, clock_, schema, &ref_);
  std::istringstream csv("统一社会信用代码,企业名称,有效发明专利数,园区等级\n" + std::string(kXingchen) +
                         ",星辰,12,国家级\n");
  auto report = svc.ImportCsv(cli_, csv, {});
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  ASSERT_TRUE(report->committed) << (report->errors.empty() ? "" : report->errors[0].message);
  auto p = svc.Get(kXingchen).value();
  EXPECT_EQ(p.facts.numbers["patents"], 12);
  EXPECT_EQ(p.facts.texts["park_level"], "国家级");
  std::istringstream bad("uscc,园区等级\n" + std::string(kXingchen) + ",市级\n");
  auto rejected = svc.ImportCsv(cli_, bad, {});
  ASSERT_TRUE(rejected.ok());
  EXPECT_FALSE(rejected->committed);
  EXPECT_EQ(rejected->errors.at(0).field, "park_level");
  // The archive as the engines load it carries the registered values.
  Archive archive(*db_, clock_);
  auto all = archive.LoadAllFacts().value();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].second.numbers.at("patents"), 12);
  EXPECT_EQ(all[0].second.texts.at("park_level"), "国家级");
}

INSTANTIATE_TEST_SUITE_P(Backends, ProfileTest, ::testing::ValuesIn(testing::Backends()),
                         testing::PrintBackend{});

}  // namespace
}  // namespace huiqi::enterprise
