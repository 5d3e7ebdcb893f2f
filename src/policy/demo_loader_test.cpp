#include "policy/demo_loader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "policy/policy_test_support.h"

namespace huiqi::policy {
namespace {

namespace fs = std::filesystem;
using core::Date;

constexpr const char* kTags = R"({"groups": [
  {"code": "qualification", "tags": ["高新技术企业", "科技型中小企业"]},
  {"code": "support", "tags": ["资金奖励"]}
]})";

constexpr const char* kPolicies = R"([
{
  "key": "demo-kjj-001", "title": "常州市科技创新奖励办法（演示）", "doc_number": "常科发〔2026〕8号",
  "level": "municipal", "types": ["tech"], "region": "320400", "departments": ["CZ-KJJ", "CZ-GXJ"],
  "signed_on": "2026-09-30", "published_on": "2026-10-12", "valid_from": "2026-10-01", "valid_to": "2028-12-31",
  "full_text": "第一条 ……", "interpretation": {"author_department": "CZ-KJJ", "text": "解读……"},
  "highlights": ["高企认定最高奖励30万元"], "tags": ["高新技术企业", "资金奖励"],
  "items": [
    {"key": "demo-kjj-001-01", "name": "高新技术企业认定奖励", "service_mode": "online", "region": "320400",
     "implementing_body": "常州市科学技术局", "scope": "全市", "target": "enterprise", "period_type": "fixed",
     "window_start": "2026-11-02", "window_end": "2026-11-30", "guide_published_on": "2026-10-20",
     "subsidy_standard": "首次认定奖励30万元", "conditions": ["首次通过高新技术企业认定"],
     "rule": "has \"高新技术企业\"", "amount": {"kind": "fixed", "fen": 30000000},
     "channels": ["政企通平台"], "consult_phone": "0519-85682000", "supervise_phone": "12345",
     "materials": [{"name": "申请表", "form": "电子件", "required": true, "type": "表格类", "source": "申请人自备",
                    "exempt": false, "template": "/files/t.docx", "sample": "/files/s.docx"},
                   {"name": "营业执照", "form": "电子件", "required": true, "type": "证照类", "source": "部门共享",
                    "exempt": true}],
     "process": [{"stage": "受理", "department": "常州市科学技术局", "days": 3}], "tags": ["高新技术企业"],
     "exclusive_group": "高企", "no_application": false},
    {"key": "demo-kjj-001-02", "name": "科技型中小企业研发费用补助", "period_type": "year_round",
     "conditions": ["入库科技型中小企业"], "materials": [], "process": []}
  ]
},
{
  "key": "demo-gxj-002", "title": "常州市旧版技改政策（演示）", "doc_number": "常工信发〔2025〕3号",
  "level": "municipal", "types": ["industry"], "region": "320400", "departments": ["CZ-GXJ"],
  "signed_on": "2025-03-03", "published_on": "2025-03-05", "full_text": "……",
  "interpretation": {"text": "……"}, "highlights": ["……"], "status": "repealed", "repealed_on": "2026-10-15",
  "items": []
},
{
  "key": "demo-gxj-003", "title": "常州市技改政策（演示）", "doc_number": "常工信发〔2026〕5号",
  "level": "provincial", "types": ["industry", "finance"], "region": "320000", "departments": ["CZ-GXJ"],
  "signed_on": "2026-10-09", "upstream_released_on": "2026-10-10", "published_on": "2026-10-13",
  "full_text": "……", "interpretation": {"text": "……"}, "highlights": ["……"],
  "links": [{"type": "repeals", "target_key": "demo-gxj-002"}],
  "items": [{"key": "demo-gxj-003-01", "name": "高新技术企业认定奖励", "period_type": "year_round",
             "conditions": ["……"], "materials": [{"name": "申请表"}], "process": [{"stage": "审核", "days": 5}]}]
}
])";

class DemoLoaderTest : public testing_support::PolicyFixture {
 protected:
  fs::path WriteFixture() {
    fs::path dir = testing::TempDir();
    fs::create_directories(dir / "policies");
    std::ofstream(dir / "tags.json") << kTags;
    std::ofstream(dir / "policies" / "demo.json") << kPolicies;
    return dir;
  }
  int64_t Rows(std::string_view table) {
    static constexpr store::Statement kPolicies{"test.count_policies", "SELECT COUNT(*) AS n FROM policies"};
    static constexpr store::Statement kItems{"test.count_items", "SELECT COUNT(*) AS n FROM items"};
    static constexpr store::Statement kAudit{"test.count_all_audit", "SELECT COUNT(*) AS n FROM audit_log"};
    const store::Statement& st = table == "policies" ? kPolicies : table == "items" ? kItems : kAudit;
    return db_
        ->ReadValue<int64_t>([&](store::Session& s) -> core::Result<int64_t> {
          HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(st, {}, "", ""));
          return r.Int("n");
        })
        .value();
  }
};

TEST_P(DemoLoaderTest, LoadsOnceAndASecondRunChangesNothing) {
  fs::path dir = WriteFixture();
  auto first = SeedDemo(*svc_, dir);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(first->tags_added, 3);
  EXPECT_EQ(first->policies_added, 3);
  EXPECT_EQ(first->items_added, 3);
  EXPECT_EQ(first->links_added, 1);
  ASSERT_EQ(first->warnings.size(), 1u);  // demo-kjj-001-02 has no materials or process
  int64_t audit = Rows("audit");

  auto second = SeedDemo(*svc_, dir);
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_EQ(second->tags_added + second->policies_added + second->items_added + second->links_added, 0);
  EXPECT_EQ(second->policies_existing, 3);
  EXPECT_EQ(second->items_existing, 3);
  EXPECT_EQ(Rows("policies"), 3);
  EXPECT_EQ(Rows("items"), 3);
  EXPECT_EQ(Rows("audit"), audit);

  // Published dates from the files are kept, so lateness shows.
  auto listed = svc_->ListPublishedPolicies({});
  ASSERT_EQ(listed->total, 2);  // the repealed one is off the public list
  auto kjj = svc_->ListPublishedPolicies({.department = "CZ-KJJ"});
  ASSERT_EQ(kjj->total, 1);
  const Policy& p = kjj->items[0];
  EXPECT_EQ(p.key, "demo-kjj-001");
  EXPECT_EQ(p.publish.published_on, Date::FromYmd(2026, 10, 12));
  EXPECT_TRUE(p.publish.late);
  EXPECT_EQ(p.departments.size(), 2u);
  EXPECT_EQ(p.tags.size(), 2u);
  auto items = svc_->ItemsOfPolicy(&admin_, p.id);
  ASSERT_EQ(items->size(), 2u);
  const Item& guide = (*items)[0];
  EXPECT_EQ(guide.timing.published_on, Date::FromYmd(2026, 10, 20));
  EXPECT_FALSE(guide.timing.late);  // deadline 10/26, five working days before 11/2
  EXPECT_EQ(guide.materials.size(), 2u);
  EXPECT_TRUE(guide.materials[1].exempt);
  EXPECT_EQ(guide.channels, "政企通平台");
  EXPECT_EQ(guide.rule_text, "has \"高新技术企业\"");
  EXPECT_EQ((*items)[1].status, ItemStatus::kDraft);
  // Same catalogue name in two departments: filed once in the catalogue.
  auto gxj_items = svc_->ListPublishedItems({.department = "CZ-GXJ"});
  ASSERT_EQ(gxj_items->total, 1);
  EXPECT_EQ(gxj_items->items[0].catalogue_id, guide.catalogue_id);
  auto provincial = svc_->ListPublishedPolicies({.level = "provincial"});
  ASSERT_EQ(provincial->total, 1);
  EXPECT_EQ(provincial->items[0].publish.basis_on, Date::FromYmd(2026, 10, 10));
  EXPECT_FALSE(provincial->items[0].publish.late);  // 10/10 → 10/12, 10/13, 10/14
  ASSERT_EQ(provincial->items[0].links.size(), 1u);
  EXPECT_EQ(provincial->items[0].links[0].kind, LinkKind::kRepeals);
}

TEST_P(DemoLoaderTest, ErrorsNameTheFileAndThePolicy) {
  fs::path dir = testing::TempDir();
  fs::create_directories(dir / "policies");
  std::ofstream(dir / "policies" / "bad.json")
      << R"({"key": "demo-bad", "title": "x", "level": "municipal", "departments": ["CZ-NONE"]})";
  auto r = SeedDemo(*svc_, dir);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("bad.json"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("demo-bad"), std::string::npos);
  EXPECT_NE(r.error().message.find("CZ-NONE"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, DemoLoaderTest, ::testing::ValuesIn(testing::Backends()),
                         testing::PrintBackend{});

}  // namespace
}  // namespace huiqi::policy
