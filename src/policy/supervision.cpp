// Deadline supervision for the platform office (常州办法 第五条、第三十七条; 江阴办法 第二十七条):
// per department, what was published late, what is overdue and what is incomplete.
#include <algorithm>
#include <map>

#include "policy/detail/lifecycle.h"
#include "policy/detail/repository.h"
#include "policy/policy_service.h"

namespace huiqi::policy {

using core::Date;
using core::Result;

namespace {

struct KindInfo {
  const char* code;
  const char* label;
};
constexpr KindInfo kKinds[] = {
    {"policy_published_late", "政策超期发布"},
    {"policy_overdue", "政策逾期未发布"},
    {"policy_no_interpretation", "政策缺少解读"},
    {"item_guide_late", "指南发布晚于申报前5个工作日"},
    {"item_guide_overdue", "指南逾期未发布"},
    {"item_golive_late", "期限待定事项未在3个工作日内上线"},
    {"item_incomplete", "事项缺少申报材料或办理流程"},
    {"tag_late", "资质荣誉超过3个工作日归集"},
};

// 常州办法 第十八条: a qualification or honour reaches the platform within 3 working days of
// being granted. Only tags whose recording department is known (migration 0059).
constexpr store::Statement kLateTags{
    "supervision.late_tags",
    "SELECT t.enterprise_id, e.name AS enterprise_name, t.tag, t.acquired_on, t.received_on, "
    "d.id AS dept_id, d.code AS dept_code, d.name AS dept_name FROM enterprise_tags t "
    "JOIN enterprises e ON e.id = t.enterprise_id JOIN departments d ON d.id = t.department_id "
    "WHERE t.department_id IS NOT NULL AND t.acquired_on IS NOT NULL AND t.received_on > t.acquired_on "
    "ORDER BY t.received_on DESC, t.enterprise_id"};

const char* LabelOf(std::string_view kind) {
  for (const auto& k : kKinds) {
    if (kind == k.code) return k.label;
  }
  return "";
}

class Collector {
 public:
  Collector(const core::WorkCalendar& cal, Date today) : cal_(cal), today_(today) {}

  void Add(std::string kind, const DepartmentRef& dept, std::string entity, int64_t id, std::string title,
           std::string detail, std::optional<Date> due, std::optional<Date> done) {
    Finding f;
    f.kind_label = LabelOf(kind);
    f.kind = std::move(kind);
    f.department = dept;
    f.entity = std::move(entity);
    f.entity_id = id;
    f.title = std::move(title);
    f.due_on = due;
    f.done_on = done;
    if (due) f.working_days_late = std::max(0, cal_.WorkingDaysBetween(*due, done.value_or(today_)));
    f.detail = std::move(detail);
    if (due)
      f.detail += "（期限 " + due->ToString() + "，" + (done ? "实际 " + done->ToString() + "，" : "") +
                  "超期 " + std::to_string(f.working_days_late) + " 个工作日）";
    findings_.push_back(std::move(f));
  }

  SupervisionReport Finish() {
    SupervisionReport r;
    r.as_of = today_;
    std::map<int64_t, DepartmentCounts> by_dept;
    for (const auto& f : findings_) {
      auto& d = by_dept[f.department.id];
      if (d.counts.empty()) {
        d.department = f.department;
        for (const auto& k : kKinds) d.counts.emplace_back(k.code, 0);
      }
      for (auto& [kind, n] : d.counts) n += kind == f.kind ? 1 : 0;
      ++d.total;
    }
    for (auto& [id, d] : by_dept) r.departments.push_back(std::move(d));
    std::sort(r.departments.begin(), r.departments.end(),
              [](const DepartmentCounts& a, const DepartmentCounts& b) {
                return a.department.code < b.department.code;
              });
    r.findings = std::move(findings_);
    return r;
  }

  const core::WorkCalendar& cal() const { return cal_; }
  Date today() const { return today_; }

 private:
  const core::WorkCalendar& cal_;
  Date today_;
  std::vector<Finding> findings_;
};

void CheckPolicy(const Policy& p, Collector& c) {
  const std::string title = p.title + (p.version > 1 ? "（第" + std::to_string(p.version) + "版）" : "");
  bool open = p.status == PolicyStatus::kDraft || p.status == PolicyStatus::kInReview;
  // 常州办法 第十条: published within 3 working days of signing / the upstream release.
  if (!open && p.publish.late) {
    c.Add("policy_published_late", p.lead(), "policy", p.id, title, "政策发布超过3个工作日时限",
          p.publish.deadline, p.publish.published_on);
  }
  if (open) {
    PublishRecord due = detail::ComputePublishRecord(p, c.today(), c.cal());
    if (due.deadline && *due.deadline < c.today()) {
      c.Add("policy_overdue", p.lead(), "policy", p.id, title,
            "政策已过3个工作日发布时限仍未发布（当前" + std::string(StatusLabel(p.status)) + "）",
            due.deadline, std::nullopt);
    }
  }
  // 常州办法 第八条: every current policy carries its interpretation.
  if ((open || p.status == PolicyStatus::kPublished) && p.interpretation_text.empty()) {
    c.Add("policy_no_interpretation", p.lead(), "policy", p.id, title, "政策缺少解读", std::nullopt,
          std::nullopt);
  }
}

void CheckItem(const Item& it, Collector& c) {
  if (it.status == ItemStatus::kWithdrawn) return;
  const GuideTiming& t = it.timing;
  // 常州办法 第十一条: the guide 5 working days before the window opens.
  if (it.status == ItemStatus::kPublished && t.late) {
    c.Add("item_guide_late", it.department, "item", it.id, it.name, "事项指南晚于申报起始日前5个工作日发布",
          t.latest_publication, t.published_on);
  }
  if (it.status == ItemStatus::kDraft && t.latest_publication && *t.latest_publication < c.today()) {
    c.Add("item_guide_overdue", it.department, "item", it.id, it.name, "事项指南已过发布时限仍未发布",
          t.latest_publication, std::nullopt);
  }
  // 江阴办法 第十一条: a 期限待定 item goes live within 3 working days of getting its window.
  bool golive_overdue =
      it.status == ItemStatus::kDraft && t.golive_deadline && *t.golive_deadline < c.today();
  if (t.golive_late || golive_overdue) {
    c.Add("item_golive_late", it.department, "item", it.id, it.name,
          "期限待定事项确定申报期后未在3个工作日内上线", t.golive_deadline,
          it.status == ItemStatus::kPublished ? t.published_on : std::nullopt);
  }
  // 常州办法 第十四条: materials and process are part of every guide.
  bool no_materials = it.materials.empty() && !it.no_application;
  if (no_materials || it.process.empty()) {
    std::string what = no_materials && it.process.empty() ? "申报材料和办理流程"
                       : no_materials                     ? "申报材料"
                                                          : "办理流程";
    c.Add("item_incomplete", it.department, "item", it.id, it.name, "事项指南缺少" + what, std::nullopt,
          std::nullopt);
  }
}

}  // namespace

Result<SupervisionReport> PolicyService::Supervise(const auth::Principal& actor) {
  HQ_RETURN_IF_ERROR(detail::RequireAdmin(actor, "查看督查情况"));
  return Collect(std::nullopt);
}

Result<SupervisionReport> PolicyService::SuperviseOwnDepartment(const auth::Principal& actor) {
  if (actor.kind != auth::UserKind::kDepartmentStaff || !actor.department_id) {
    return core::PermissionDenied("仅部门工作人员可查看本部门督查情况", "department staff only");
  }
  return Collect(actor.department_id);
}

Result<SupervisionReport> PolicyService::Collect(std::optional<int64_t> department_id) {
  Collector c(calendar_, Today());
  HQ_RETURN_IF_ERROR(db_.Read([&](store::Session& s) -> core::Status {
    HQ_ASSIGN_OR_RETURN(auto policies, detail::LoadAllPolicies(s));
    for (const auto& p : policies) CheckPolicy(p, c);
    HQ_ASSIGN_OR_RETURN(auto items, detail::LoadAllItems(s));
    for (const auto& it : items) CheckItem(it, c);
    HQ_ASSIGN_OR_RETURN(auto tags, s.Query(kLateTags));
    for (const auto& r : tags) {
      auto granted = Date::Parse(r.Text("acquired_on"));
      auto received = Date::Parse(r.Text("received_on"));
      if (!granted.ok() || !received.ok()) continue;
      Date due = calendar_.AddWorkingDays(*granted, 3);
      if (*received <= due) continue;
      DepartmentRef dept;
      dept.id = r.Int("dept_id");
      dept.code = r.Text("dept_code");
      dept.name = r.Text("dept_name");
      c.Add("tag_late", dept, "enterprise", r.Int("enterprise_id"),
            r.Text("enterprise_name") + "：" + r.Text("tag"),
            "“" + r.Text("tag") + "”于 " + granted->ToString() + " 取得，" + received->ToString() +
                " 才归集到平台",
            due, *received);
    }
    return core::Ok();
  }));
  SupervisionReport report = c.Finish();
  if (department_id) {
    std::erase_if(report.findings, [&](const Finding& f) { return f.department.id != *department_id; });
    std::erase_if(report.departments,
                  [&](const DepartmentCounts& d) { return d.department.id != *department_id; });
  }
  return report;
}

}  // namespace huiqi::policy
