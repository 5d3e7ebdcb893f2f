#pragma once
//! The policy library's types: policies (政策) with their versions, items (事项) with their
//! guides (指南), tags and supervision findings. Plain values, cheap to copy, no behaviour
//! beyond the code/label tables. The service that reads and changes them is in
//! policy/policy_service.h.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/error.h"

namespace huiqi::policy {

//! 常州办法 第六条: national, provincial, municipal and county policies.
enum class Level { kNational, kProvincial, kMunicipal, kCounty };
enum class PolicyStatus { kDraft, kInReview, kPublished, kSuperseded, kRepealed };
enum class LinkKind { kSupersedes, kAmends, kRepeals };
enum class ServiceMode { kOnline, kOffline, kOnlineOffline };
enum class Target { kEnterprise, kIndividual, kBoth };
//! 江阴办法 第十一条: 常年申报, 固定期限, 期限待定.
enum class PeriodType { kYearRound, kFixed, kPending };
enum class ItemStatus { kDraft, kPublished, kWithdrawn };
//! Application window as of a day: open now, opens later (or not yet fixed), closed.
enum class Period { kAny, kOpen, kUpcoming, kClosed };

// Codes (stored and on the API) and Chinese labels. Parse* errors name `field`.
std::string_view LevelCode(Level v);   // national | provincial | municipal | county
std::string_view LevelLabel(Level v);  // 国家级 | 省级 | 市级 | 县区级
core::Result<Level> ParseLevel(std::string_view code, std::string_view field = "level");
std::string_view StatusCode(PolicyStatus v);   // draft | in_review | published | superseded | repealed
std::string_view StatusLabel(PolicyStatus v);  // 草稿 | 审核中 | 已发布 | 已被修订 | 已废止
core::Result<PolicyStatus> ParseStatus(std::string_view code, std::string_view field = "status");
std::string_view LinkKindCode(LinkKind v);   // supersedes | amends | repeals
std::string_view LinkKindLabel(LinkKind v);  // 替代 | 修改 | 废止
core::Result<LinkKind> ParseLinkKind(std::string_view code, std::string_view field = "links");
std::string_view ServiceModeCode(ServiceMode v);   // online | offline | online_offline
std::string_view ServiceModeLabel(ServiceMode v);  // 网上办理 | 线下办理 | 线上线下均可
core::Result<ServiceMode> ParseServiceMode(std::string_view code, std::string_view field = "service_mode");
std::string_view TargetCode(Target v);   // enterprise | individual | both
std::string_view TargetLabel(Target v);  // 企业 | 个人 | 企业和个人
core::Result<Target> ParseTarget(std::string_view code, std::string_view field = "target");
std::string_view PeriodTypeCode(PeriodType v);   // year_round | fixed | pending
std::string_view PeriodTypeLabel(PeriodType v);  // 常年申报 | 固定期限 | 期限待定
core::Result<PeriodType> ParsePeriodType(std::string_view code, std::string_view field = "period_type");
std::string_view ItemStatusCode(ItemStatus v);   // draft | published | withdrawn
std::string_view ItemStatusLabel(ItemStatus v);  // 草稿 | 已发布 | 已撤回
core::Result<ItemStatus> ParseItemStatus(std::string_view code, std::string_view field = "status");
std::string_view PeriodCode(Period v);   // "" | open | upcoming | closed
std::string_view PeriodLabel(Period v);  // 全部 | 申报中 | 未开始 | 已截止
core::Result<Period> ParsePeriod(std::string_view code, std::string_view field = "period");

struct DepartmentRef {
  int64_t id = 0;
  std::string code;
  std::string name;
};

struct Attachment {
  std::string name;
  std::string url;
  std::string sha256;  // of the stored file, when uploaded
  int64_t size = 0;
  std::string content_type;
};

struct CodeLabel {
  std::string code;
  std::string label;
};

struct PolicyLink {
  LinkKind kind = LinkKind::kAmends;
  int64_t target_id = 0;
  std::string target_title;  // filled on read
};

//! What staff write for a policy. Dates are optional until submission.
struct PolicyInput {
  std::string title;
  std::string doc_number;  // 文号
  Level level = Level::kMunicipal;
  std::vector<std::string> types;        // policy_types codes
  std::string region;                    // GB/T 2260 code
  std::vector<std::string> departments;  // department codes, lead first; empty = the actor's
  std::optional<core::Date> signed_on;
  std::optional<core::Date> upstream_released_on;  // national/provincial: release upstream
  std::optional<core::Date> valid_from;
  std::optional<core::Date> valid_to;
  std::string full_text;
  std::string interpretation_text;        // 解读
  std::string interpretation_department;  // code; empty = the lead department
  std::vector<std::string> highlights;    // 干货
  std::vector<Attachment> attachments;
  std::vector<std::string> tags;  // existing tag names
  std::vector<PolicyLink> links;  // kind + target_id
};

//! The publication record (常州办法 第十条; 江阴办法 第十二条).
struct PublishRecord {
  std::optional<core::Date> basis_on;  // signed_on, or upstream_released_on above municipal level
  std::optional<core::Date> deadline;  // AddWorkingDays(basis_on, 3)
  std::optional<core::Date> published_on;
  bool late = false;
  int working_days_late = 0;
};

struct Policy {
  int64_t id = 0;
  int64_t root_id = 0;
  int version = 1;
  std::string key;  // demo/import key; empty for policies made through the API
  std::string title;
  std::string doc_number;
  Level level = Level::kMunicipal;
  std::vector<CodeLabel> types;
  std::string region;
  std::vector<DepartmentRef> departments;  // lead first
  std::optional<core::Date> signed_on, upstream_released_on, valid_from, valid_to;
  std::string full_text;
  std::string interpretation_text;
  std::optional<DepartmentRef> interpretation_department;
  std::vector<std::string> highlights;
  std::vector<Attachment> attachments;
  std::vector<std::string> tags;
  std::vector<PolicyLink> links;
  PolicyStatus status = PolicyStatus::kDraft;
  std::string submitted_at;
  std::string reject_reason;
  PublishRecord publish;
  std::string approved_at;
  std::optional<core::Date> repealed_on;
  std::string repeal_reason;
  std::optional<int64_t> superseded_by;
  std::string created_at, updated_at;

  const DepartmentRef& lead() const { return departments.front(); }
};

struct PolicyVersion {
  int64_t id = 0;
  int version = 1;
  PolicyStatus status = PolicyStatus::kDraft;
  std::optional<core::Date> published_on;
};

struct Material {
  std::string name;
  std::string form;  // 原件 / 复印件 / 电子件 …
  bool required = true;
  std::string type;          // 证照类 / 表格类 …
  std::string source;        // 申请人自备 / 部门共享 …
  bool exempt = false;       // 免提交: obtained by data sharing
  std::string template_url;  // blank template
  std::string sample_url;    // filled sample
};

struct ProcessStep {
  std::string stage;
  std::string department;
  int days = 0;  // working days
};

//! What staff write for an item's guide (常州办法 第十四条).
struct ItemInput {
  std::string name;
  std::optional<int64_t> catalogue_id;  // reuse this catalogue entry's name (常州办法 第十三条)
  bool confirm_new_name = false;        // create a new catalogue name despite similar ones
  std::string department;               // owner department code; empty = the actor's / the lead
  ServiceMode service_mode = ServiceMode::kOnline;
  std::string region;
  std::string implementing_body;
  std::string scope;
  Target target = Target::kEnterprise;
  PeriodType period_type = PeriodType::kYearRound;
  std::optional<core::Date> window_start, window_end;
  std::string subsidy_standard;
  std::vector<std::string> conditions;
  std::string rule_text;    // reserved for the rules issue, stored verbatim
  std::string amount_json;  // reserved, stored verbatim
  std::string exclusive_group;
  std::string channels;
  std::string consult_phone;
  std::string supervise_phone;
  bool no_application = false;  // 免申即享
  std::vector<Material> materials;
  std::vector<ProcessStep> process;
  std::vector<std::string> tags;
};

//! Deadlines of a guide: 常州办法 第十一条 (5 working days before the window) and 江阴办法
//! 第十一条 (a 期限待定 item that gets a window goes live within 3 working days).
struct GuideTiming {
  std::optional<core::Date> latest_publication;  // AddWorkingDays(window_start, -5)
  std::optional<core::Date> published_on;
  bool late = false;
  std::optional<core::Date> window_set_on;
  std::optional<core::Date> golive_deadline;  // AddWorkingDays(window_set_on, 3)
  bool golive_late = false;
};

struct Item {
  int64_t id = 0;
  int64_t policy_id = 0;  // the current version of the owning policy lineage
  std::string policy_title;
  int64_t catalogue_id = 0;
  std::string key;
  std::string name;
  DepartmentRef department;
  ServiceMode service_mode = ServiceMode::kOnline;
  std::string region, implementing_body, scope;
  Target target = Target::kEnterprise;
  PeriodType period_type = PeriodType::kYearRound;
  std::optional<core::Date> window_start, window_end;
  std::string subsidy_standard;
  std::vector<std::string> conditions;
  std::string rule_text, amount_json, exclusive_group, channels, consult_phone, supervise_phone;
  bool no_application = false;
  std::vector<Material> materials;
  std::vector<ProcessStep> process;
  std::vector<std::string> tags;
  ItemStatus status = ItemStatus::kDraft;
  GuideTiming timing;
  std::string created_at, updated_at;
};

//! One version of an item's eligibility rule and amount formula, in force [from, to).
struct RuleVersion {
  int version = 1;
  std::string rule_text;
  std::string ast_json;  // rules/rule_json.h; "null" when the version cleared the rule
  std::string amount_json;
  core::Date effective_from;
  std::optional<core::Date> effective_to;  // nullopt: in force now
  std::string created_at;
};

struct CatalogueEntry {
  int64_t id = 0;
  std::string name;
  DepartmentRef department;
  double similarity = 0;  // to the name asked about, 0..1
};

struct Tag {
  int64_t id = 0;
  std::string group;        // tag group code
  std::string group_label;  // 行业, 企业资质 …
  std::string name;
};

//! Public and staff list filters; empty strings mean "any".
struct ListFilter {
  std::string level{}, type{}, department{}, tag{}, region{}, q{};
  Period period = Period::kAny;
  int page = 1;
  int page_size = 20;  // 1..100
};

template <typename T>
struct Page {
  std::vector<T> items;
  int64_t total = 0;
};

//! One supervision finding (常州办法 第五条, 第三十七条 supervision of the duties above).
struct Finding {
  std::string kind;  // policy_published_late | policy_overdue | policy_no_interpretation |
                     // item_guide_late | item_guide_overdue | item_golive_late | item_incomplete |
                     // tag_late (an enterprise tag recorded > 3 working days after its grant)
  std::string kind_label;
  DepartmentRef department;
  std::string entity;  // policy | item | enterprise
  int64_t entity_id = 0;
  std::string title;
  std::string detail;  // Chinese, for the list
  std::optional<core::Date> due_on, done_on;
  int working_days_late = 0;
};

struct DepartmentCounts {
  DepartmentRef department;
  std::vector<std::pair<std::string, int>> counts;  // kind → number, every kind listed
  int total = 0;
};

struct SupervisionReport {
  core::Date as_of;
  std::vector<Finding> findings;
  std::vector<DepartmentCounts> departments;  // every department with at least one finding
};

}  // namespace huiqi::policy
