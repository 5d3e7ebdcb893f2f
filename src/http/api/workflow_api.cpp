#include "http/api/workflow_api.h"

#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/money.h"
#include "http/api/handlers.h"
#include "http/api/paging.h"

namespace huiqi::http {

using nlohmann::json;
using workflow::Application;

namespace {

// RFC 5987 filename*: the uploaded file's own name, percent-encoded as UTF-8 (or id.kind).
std::string DispositionName(const files::StoredFile& f) {
  std::string name = f.original_name.empty()
                         ? std::to_string(f.id) + "." + std::string(files::KindCode(f.kind))
                         : f.original_name;
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : name) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

json StageJson(const workflow::StageRecord& st) {
  return {{"id", st.id},
          {"seq", st.seq},
          {"kind", st.kind},
          {"name", st.name},
          {"status", st.status},
          {"department_id", st.department_id},
          {"department_name", st.department_name},
          {"assignee", st.assignee_name.empty() ? json() : json(st.assignee_name)},
          {"days", st.days},
          {"days_used", st.days_used},
          {"started_on", DateJson(st.started_on)},
          {"due_on", DateJson(st.due_on)},
          {"finished_at", st.finished_at.empty() ? json() : json(st.finished_at)},
          {"overdue", st.overdue}};
}

json ApplicationJson(const Application& a) {
  json stages = json::array(), materials = json::array(), notices = json::array(), opinions = json::array(),
       objections = json::array(), events = json::array(), mismatches = json::array();
  for (const auto& st : a.stages) stages.push_back(StageJson(st));
  for (const auto& m : a.materials) {
    materials.push_back({{"position", m.position},
                         {"name", m.name},
                         {"provided", m.provided},
                         {"file_id", OptInt(m.file_id)},
                         {"file_name", m.file_name},
                         {"sha256", m.file_sha256},
                         {"round", m.round}});
  }
  for (const auto& n : a.notices) {
    json items = json::array();
    for (const auto& it : n.items) {
      items.push_back({{"type", it.type}, {"key", it.key}, {"name", it.name}, {"reason", it.reason}});
    }
    notices.push_back({{"id", n.id},
                       {"round", n.round},
                       {"items", items},
                       {"note", n.note},
                       {"issued_at", n.issued_at},
                       {"issued_by", n.issued_by},
                       {"due_on", DateJson(n.due_on)},
                       {"answered_at", n.answered_at.empty() ? json() : json(n.answered_at)}});
  }
  for (const auto& o : a.opinions) {
    opinions.push_back({{"id", o.id},
                        {"stage_id", o.stage_id},
                        {"department_name", o.department_name},
                        {"stage_kind", o.stage_kind},
                        {"decision", o.decision},
                        {"text", o.text},
                        {"reviewer", o.reviewer_login},
                        {"reviewed_at", o.reviewed_at},
                        {"signed", o.signed_},
                        {"seal_serial", o.seal_serial}});
  }
  for (const auto& o : a.objections) {
    objections.push_back({{"id", o.id},
                          {"text", o.text},
                          {"filed_at", o.filed_at},
                          {"answer", o.answer},
                          {"answered_at", o.answered_at.empty() ? json() : json(o.answered_at)},
                          {"mine", o.mine}});
  }
  for (const auto& e : a.events) {
    events.push_back({{"at", e.at},
                      {"actor", e.actor},
                      {"action", e.action},
                      {"status", e.status},
                      {"text", e.text},
                      {"stage_id", OptInt(e.stage_id)}});
  }
  for (const auto& m : a.mismatches) {
    mismatches.push_back(
        {{"field", m.field}, {"label", m.label}, {"archive", m.archive_value}, {"form", m.form_value}});
  }
  // Which stage holds it now, who, and by when (the applicant sees this at every moment).
  json current = json::array();
  for (const auto& st : a.stages) {
    if (st.seq == a.stage_seq && (st.status == "active" || st.status == "paused"))
      current.push_back(StageJson(st));
  }
  return {{"id", a.id},
          {"case_no", a.case_no},
          {"item_id", a.item_id},
          {"item_name", a.item_name},
          {"department_name", a.department_name},
          {"uscc", a.uscc},
          {"enterprise_name", a.enterprise_name},
          {"channel", a.channel},
          {"authorization", a.authorization_note},
          {"status", workflow::AppStatusCode(a.status)},
          {"status_label", workflow::AppStatusLabel(a.status)},
          {"values", a.form_values},
          {"archive_values", a.archive_values},
          {"mismatches", mismatches},
          {"verdict", a.verdict},
          {"rule", a.rule_text},
          {"rule_version", OptInt(a.rule_version)},
          {"trace", a.trace},
          {"facts", a.facts},
          {"amount_requested_fen", OptInt(a.amount_requested_fen)},
          {"amount_approved_fen", OptInt(a.amount_approved_fen)},
          {"round", a.round},
          {"decision_note", a.decision_note},
          {"decision_basis", a.decision_basis},
          {"publicity_ends_on", DateJson(a.publicity_ends_on)},
          {"created_at", a.created_at},
          {"submitted_at", a.submitted_at.empty() ? json() : json(a.submitted_at)},
          {"decided_at", a.decided_at.empty() ? json() : json(a.decided_at)},
          {"current", current},
          {"stages", stages},
          {"materials", materials},
          {"notices", notices},
          {"opinions", opinions},
          {"objections", objections},
          {"events", events}};
}

json FormJson(const workflow::FormDef& f) {
  json fields = json::array();
  for (const auto& x : f.fields) {
    fields.push_back({{"key", x.key},
                      {"label", x.label},
                      {"type", x.type},
                      {"required", x.required},
                      {"attribute", x.attribute.empty() ? json() : json(x.attribute)},
                      {"unit", x.unit},
                      {"options", x.options},
                      {"columns", x.columns},
                      {"hint", x.hint}});
  }
  return {{"item_id", f.item_id}, {"version", f.version}, {"default", f.version == 0}, {"fields", fields}};
}

json FlowJson(const workflow::FlowDef& f) {
  json stages = json::array();
  for (const auto& s : f.stages) {
    stages.push_back({{"kind", s.kind}, {"name", s.name}, {"departments", s.departments}, {"days", s.days}});
  }
  return {{"item_id", f.item_id},
          {"version", f.version},
          {"default", f.version == 0},
          {"confidential", f.confidential},
          {"stages", stages}};
}

core::Result<workflow::Submission> SubmissionFrom(const json& body) {
  workflow::Submission s;
  if (body.contains("values")) {
    if (!body["values"].is_object())
      return core::InvalidArgument("values", "invalid_type", "values 应为对象", "object");
    s.values = body["values"];
  }
  if (body.contains("files")) {
    if (!body["files"].is_object()) {
      return core::InvalidArgument("files", "invalid_type", "files 应为 {材料序号: 文件编号}", "object");
    }
    for (const auto& [k, v] : body["files"].items()) {
      int pos = -1;
      try {
        pos = std::stoi(k);
      } catch (...) {
      }
      if (pos < 0 || !v.is_number_integer()) {
        return core::InvalidArgument("files." + k, "invalid_type", "材料序号和文件编号应为整数", "integers");
      }
      s.files[pos] = v.get<int64_t>();
    }
  }
  return s;
}

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string UrlDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

const Access kEnterprise = Access::Kinds({auth::UserKind::kEnterprise});
const Access kReviewers = Access::DepartmentRoles({auth::Role::kReviewer, auth::Role::kDepartmentAdmin});
const Access kEditors = Access::DepartmentRoles({auth::Role::kPolicyOfficer, auth::Role::kDepartmentAdmin});

void AddFileRoutes(Router& router, WorkflowApiDeps d) {
  router.Add("POST", "/api/v1/files",
             Access::Kinds({auth::UserKind::kEnterprise, auth::UserKind::kDepartmentStaff,
                            auth::UserKind::kPlatformAdmin}),
             [d](Request& req) {
               if (req.body_file.empty()) {
                 return Response::FromError(
                     core::InvalidArgument("file", "file_missing", "请选择要上传的文件", "no file"));
               }
               std::string name = UrlDecode(req.Query("name"));
               auto f = d.files.Accept(req.body_file, req.User(), name, req.Query("purpose"));
               req.body_file.clear();  // Accept took it (or removed it)
               return Answer(
                   f,
                   [](const files::StoredFile& x) {
                     return json{{"id", x.id},
                                 {"name", x.original_name},
                                 {"kind", files::KindCode(x.kind)},
                                 {"kind_label", files::KindLabel(x.kind)},
                                 {"size", x.size},
                                 {"sha256", x.sha256}};
                   },
                   201);
             });
  router.Add("GET", "/api/v1/files/{id}", Access::LoggedIn().Owned("file"), [d](Request& req) {
    return WithId(req, [&](int64_t id) {
      auto f = d.files.Get(id);
      if (!f.ok()) return Response::FromError(f.error());
      auto st = d.files.CheckRead(req.User(), *f, [&](const auth::Principal& p) {
        auto r = d.workflow.ReviewsFile(p, id);
        return r.ok() && *r;
      });
      if (!st.ok()) return Response::FromError(st.error());
      Response r;
      r.status = 200;
      r.body = ReadAll(d.files.PathOf(*f));
      r.SetHeader("Content-Type", f->mime);
      r.SetHeader("Content-Disposition", "attachment; filename*=UTF-8''" + DispositionName(*f));
      r.SetHeader("Cache-Control", "private, no-store");
      return r;
    });
  });
}

void AddDefinitionRoutes(Router& router, WorkflowApiDeps d) {
  router.Add("GET", "/api/v1/items/{id}/form", Access::Public().On("item"), [d](Request& req) {
    return WithId(req, [&](int64_t id) { return Answer(d.workflow.Form(id), FormJson); });
  });
  router.Add("PUT", "/api/v1/items/{id}/form", kEditors.Owned("item"), [d](Request& req) {
    return WithId(req, [&](int64_t id) {
      return WithBody(req, [&](const json& body) {
        auto fields = workflow::FieldsFromJson(body.value("fields", json::array()));
        if (!fields.ok()) return Response::FromError(fields.error());
        return Answer(d.workflow.SetForm(req.User(), id, *fields), FormJson);
      });
    });
  });
  router.Add("GET", "/api/v1/items/{id}/flow", Access::Public().On("item"), [d](Request& req) {
    return WithId(req, [&](int64_t id) { return Answer(d.workflow.Flow(id), FlowJson); });
  });
  router.Add("PUT", "/api/v1/items/{id}/flow", kEditors.Owned("item"), [d](Request& req) {
    return WithId(req, [&](int64_t id) {
      return WithBody(req, [&](const json& body) {
        auto stages = workflow::StagesFromJson(body.value("stages", json::array()));
        if (!stages.ok()) return Response::FromError(stages.error());
        return Answer(d.workflow.SetFlow(req.User(), id, *stages, body.value("confidential", false)),
                      FlowJson);
      });
    });
  });
}

void AddApplicantRoutes(Router& router, WorkflowApiDeps d) {
  router.Add("POST", "/api/v1/me/applications", kEnterprise, [d](Request& req) {
    return WithBody(req, [&](const json& body) {
      auto item = IdIn(body, "item_id");
      if (!item.ok()) return Response::FromError(item.error());
      return Answer(d.workflow.StartDraft(req.User(), *item), ApplicationJson, 201);
    });
  });
  router.Add("POST", "/api/v1/counter/applications", Access::DepartmentRoles({auth::Role::kCounterStaff}),
             [d](Request& req) {
               return WithBody(req, [&](const json& body) {
                 auto item = IdIn(body, "item_id");
                 if (!item.ok()) return Response::FromError(item.error());
                 return Answer(
                     d.workflow.StartDraft(req.User(), *item, Str(body, "uscc"), Str(body, "authorization")),
                     ApplicationJson, 201);
               });
             });
  router.Add("GET", "/api/v1/me/applications", kEnterprise, [d](Request& req) {
    auto paging = ParsePaging(req);
    if (!paging.ok()) return Response::FromError(paging.error());
    if (req.Query("page_size").empty()) paging->page_size = 100;  // an applicant's list is short
    int64_t total = 0;
    auto list = d.workflow.Mine(req.User(), paging->page, paging->page_size, &total);
    if (!list.ok()) return Response::FromError(list.error());
    json items = json::array();
    for (const auto& a : *list) items.push_back(ApplicationJson(a));
    return Response::Ok(PageJson(items, total, *paging));
  });
  router.Add("GET", "/api/v1/applications/{id}", Access::LoggedIn().Owned("application"), [d](Request& req) {
    return WithId(req, [&](int64_t id) { return Answer(d.workflow.Get(req.User(), id), ApplicationJson); });
  });
  auto with_submission = [d](auto call) {
    return [d, call](Request& req) {
      return WithId(req, [&](int64_t id) {
        return WithBody(req, [&](const json& body) {
          auto s = SubmissionFrom(body);
          if (!s.ok()) return Response::FromError(s.error());
          return Answer(call(d, req.User(), id, *s), ApplicationJson);
        });
      });
    };
  };
  router.Add("PATCH", "/api/v1/applications/{id}", Access::LoggedIn().Owned("application"),
             with_submission([](WorkflowApiDeps dd, const auth::Principal& p, int64_t id,
                                const workflow::Submission& s) { return dd.workflow.SaveDraft(p, id, s); }));
  router.Add("POST", "/api/v1/applications/{id}/submit", Access::LoggedIn().Owned("application"),
             with_submission([](WorkflowApiDeps dd, const auth::Principal& p, int64_t id,
                                const workflow::Submission& s) { return dd.workflow.Submit(p, id, s); }));
  router.Add("POST", "/api/v1/applications/{id}/resubmit", Access::LoggedIn().Owned("application"),
             with_submission([](WorkflowApiDeps dd, const auth::Principal& p, int64_t id,
                                const workflow::Submission& s) { return dd.workflow.Resubmit(p, id, s); }));
  router.Add("POST", "/api/v1/applications/{id}/withdraw", Access::LoggedIn().Owned("application"),
             [d](Request& req) {
               return WithId(req, [&](int64_t id) {
                 return WithBody(req, [&](const json& body) {
                   return Answer(d.workflow.Withdraw(req.User(), id, Str(body, "reason")), ApplicationJson);
                 });
               });
             });
}

void AddReviewRoutes(Router& router, WorkflowApiDeps d) {
  router.Add("GET", "/api/v1/review/queue", kReviewers, [d](Request& req) {
    auto paging = ParsePaging(req);
    if (!paging.ok()) return Response::FromError(paging.error());
    workflow::QueueFilter f;
    f.page = paging->page;
    f.page_size = paging->page_size;
    f.stage_kind = req.Query("stage_kind");
    f.overdue_only = req.Query("overdue") == "1";
    auto item = QueryId(req, "item_id");
    if (!item.ok()) return Response::FromError(item.error());
    f.item_id = *item;
    int64_t total = 0;
    auto rows = d.workflow.Queue(req.User(), f, &total);
    if (!rows.ok()) return Response::FromError(rows.error());
    json items = json::array();
    for (const auto& q : *rows) {
      items.push_back({{"application_id", q.application_id},
                       {"stage_id", q.stage_id},
                       {"case_no", q.case_no},
                       {"item_name", q.item_name},
                       {"enterprise_name", q.enterprise_name},
                       {"stage_kind", q.stage_kind},
                       {"stage_name", q.stage_name},
                       {"status", q.status},
                       {"channel", q.channel},
                       {"submitted_at", q.submitted_at},
                       {"due_on", DateJson(q.due_on)},
                       {"overdue", q.overdue}});
    }
    return Response::Ok(PageJson(items, total, *paging));
  });
  router.Add("POST", "/api/v1/applications/{id}/accept", kReviewers.Owned("application"), [d](Request& req) {
    return WithId(req, [&](int64_t id) {
      return WithBody(req, [&](const json& body) {
        return Answer(d.workflow.Accept(req.User(), id, Str(body, "opinion")), ApplicationJson);
      });
    });
  });
  router.Add("POST", "/api/v1/applications/{id}/return", kReviewers.Owned("application"), [d](Request& req) {
    return WithId(req, [&](int64_t id) {
      return WithBody(req, [&](const json& body) {
        std::vector<workflow::DeficiencyItem> items;
        if (!body.contains("items") || !body["items"].is_array()) {
          return Response::FromError(
              core::InvalidArgument("items", "required", "请列出需补正的全部内容", "items"));
        }
        for (const auto& it : body["items"]) {
          if (!it.is_object()) continue;
          items.push_back({Str(it, "type"),
                           it.contains("key") && it["key"].is_number_integer()
                               ? std::to_string(it["key"].get<int64_t>())
                               : Str(it, "key"),
                           "", Str(it, "reason")});
        }
        return Answer(d.workflow.ReturnForCorrection(req.User(), id, items, Str(body, "note")),
                      ApplicationJson);
      });
    });
  });
  router.Add("POST", "/api/v1/applications/{id}/decide", kReviewers.Owned("application"), [d](Request& req) {
    return WithId(req, [&](int64_t id) {
      return WithBody(req, [&](const json& body) {
        if (!body.contains("approve") || !body["approve"].is_boolean()) {
          return Response::FromError(
              core::InvalidArgument("approve", "required", "请选择通过或不予通过", "approve"));
        }
        std::optional<int64_t> amount;
        if (std::string a = Str(body, "amount_approved"); !a.empty()) {
          auto fen = core::ParseMoney(a, "amount_approved");
          if (!fen.ok()) return Response::FromError(fen.error());
          amount = *fen;
        }
        return Answer(d.workflow.Decide(req.User(), id, body["approve"].get<bool>(), Str(body, "opinion"),
                                        Str(body, "basis"), amount),
                      ApplicationJson);
      });
    });
  });
  router.Add("POST", "/api/v1/stages/{id}/assign", kReviewers.Owned("stage"), [d](Request& req) {
    return WithId(req, [&](int64_t id) {
      return WithBody(req, [&](const json& body) {
        auto user = IdIn(body, "user_id");
        if (!user.ok()) return Response::FromError(user.error());
        return Answer(d.workflow.Reassign(req.User(), id, *user), ApplicationJson);
      });
    });
  });
}

void AddOutcomeRoutes(Router& router, WorkflowApiDeps d) {
  // Anyone logged in may object while an application is in 公示 (结果公开, 江阴办法 第二十一条):
  // not Owned — FileObjection refuses what is not in 公示 and visible.
  router.Add("POST", "/api/v1/applications/{id}/objections", Access::LoggedIn().On("application"),
             [d](Request& req) {
               return WithId(req, [&](int64_t id) {
                 return WithBody(req, [&](const json& body) {
                   return Answer(
                       d.workflow.FileObjection(req.User(), id, Str(body, "text")),
                       [](const workflow::Objection& o) {
                         return json{{"id", o.id}, {"text", o.text}, {"filed_at", o.filed_at}};
                       },
                       201);
                 });
               });
             });
  router.Add("POST", "/api/v1/objections/{id}/answer", kReviewers.Owned("objection"), [d](Request& req) {
    return WithId(req, [&](int64_t id) {
      return WithBody(req, [&](const json& body) {
        return Answer(d.workflow.AnswerObjection(req.User(), id, Str(body, "answer")),
                      [](const workflow::Objection& o) {
                        return json{{"id", o.id}, {"answer", o.answer}, {"answered_at", o.answered_at}};
                      });
      });
    });
  });
  // 公示中 (江阴办法 第二十一条 结果公开): anyone sees them; a logged-in visitor may object.
  router.Add("GET", "/api/v1/publicity", Access::Public(), [d](Request& req) {
    auto paging = ParsePaging(req);
    if (!paging.ok()) return Response::FromError(paging.error());
    int64_t total = 0;
    auto rows = d.workflow.InPublicity(paging->page, paging->page_size, &total);
    if (!rows.ok()) return Response::FromError(rows.error());
    json items = json::array();
    for (const auto& n : *rows) {
      items.push_back({{"application_id", n.application_id},
                       {"case_no", n.case_no},
                       {"enterprise_name", n.enterprise_name},
                       {"item_name", n.item_name},
                       {"department_name", n.department_name},
                       {"ends_on", DateJson(n.ends_on)},
                       {"amount_fen", OptInt(n.amount_fen)}});
    }
    return Response::Ok(PageJson(items, total, *paging));
  });
  router.Add("GET", "/api/v1/results", Access::Public(), Caching::kPublished, [d](Request& req) {
    auto paging = ParsePaging(req);
    if (!paging.ok()) return Response::FromError(paging.error());
    int64_t total = 0;
    auto rows = d.workflow.PublicResults(paging->page, paging->page_size, &total);
    if (!rows.ok()) return Response::FromError(rows.error());
    json items = json::array();
    for (const auto& r : *rows) {
      items.push_back({{"case_no", r.case_no},
                       {"enterprise_name", r.enterprise_name},
                       {"item_name", r.item_name},
                       {"department_name", r.department_name},
                       {"decided_at", r.decided_at},
                       {"amount_fen", OptInt(r.amount_fen)}});
    }
    return Response::Ok(PageJson(items, total, *paging));
  });
  router.Add("GET", "/api/v1/opinions/{id}/verify", Access::Public().On("opinion"), [d](Request& req) {
    return WithId(req, [&](int64_t id) { return Answer(d.workflow.VerifyOpinion(id), seal::ReportJson); });
  });
}

void AddInboxRoutes(Router& router, WorkflowApiDeps d) {
  auto dept = [](const auth::Principal& p) {
    return p.Is(auth::UserKind::kDepartmentStaff) ? p.department_id : std::optional<int64_t>{};
  };
  router.Add("GET", "/api/v1/me/notices", Access::LoggedIn(), [d, dept](Request& req) {
    auto paging = ParsePaging(req);
    if (!paging.ok()) return Response::FromError(paging.error());
    auto page = d.inbox.List(req.User().user_id, dept(req.User()), paging->page, paging->page_size,
                             req.Query("unread") == "1");
    if (!page.ok()) return Response::FromError(page.error());
    json items = json::array();
    for (const auto& e : page->items) {
      json sent = json::array();
      for (const auto& s : e.deliveries) sent.push_back({{"channel", s.channel}, {"status", s.status}});
      items.push_back({{"id", e.id},
                       {"kind", e.kind},
                       {"title", e.title},
                       {"body", e.body},
                       {"link", e.link},
                       {"entity", e.entity},
                       {"entity_id", e.entity_id},
                       {"created_at", e.created_at},
                       {"read", e.read},
                       {"deliveries", sent}});
    }
    json out = PageJson(items, page->total, *paging);
    out["unread"] = page->unread;
    return Response::Ok(out);
  });
  router.Add("GET", "/api/v1/me/notices/unread-count", Access::LoggedIn(), [d, dept](Request& req) {
    return Answer(d.inbox.UnreadCount(req.User().user_id, dept(req.User())), [](int64_t n) {
      return json{{"unread", n}};
    });
  });
  router.Add("POST", "/api/v1/me/notices/{id}/read", Access::LoggedIn().Owned("notice"),
             [d, dept](Request& req) {
               return WithId(req, [&](int64_t id) {
                 auto st = d.inbox.MarkRead(req.User().user_id, dept(req.User()), id);
                 if (!st.ok()) return Response::FromError(st.error());
                 return Response::Ok({{"read", true}});
               });
             });
  router.Add("POST", "/api/v1/me/notices/read-all", Access::LoggedIn(), [d, dept](Request& req) {
    return Answer(d.inbox.MarkAllRead(req.User().user_id, dept(req.User())), [](int64_t n) {
      return json{{"marked", n}};
    });
  });
}

void AddAdminRoutes(Router& router, WorkflowApiDeps d) {
  router.Add("GET", "/api/v1/admin/outbox/dead", Access::Admin(), [d](Request&) {
    if (!d.deliverer) return Response::Ok({{"items", json::array()}});
    return Answer(d.deliverer->DeadLetters(), [](const std::vector<notify::DeadLetter>& list) {
      return ItemsJson(list, [](const notify::DeadLetter& x) {
        return json{{"id", x.id},
                    {"notice_id", x.notice_id},
                    {"channel", x.channel},
                    {"address", x.address_masked},
                    {"attempts", x.attempts},
                    {"last_error", x.last_error},
                    {"created_at", x.created_at},
                    {"title", x.title}};
      });
    });
  });
  router.Add("POST", "/api/v1/admin/outbox/{id}/retry", Access::Admin().On("outbox"), [d](Request& req) {
    return WithId(req, [&](int64_t id) {
      if (!d.deliverer) {
        return Response::FromError(
            core::MakeError(core::ErrorKind::kUnavailable, "no_deliverer", "未启用消息投递", ""));
      }
      auto st = d.deliverer->Retry(id, {req.User().user_id, req.User().login});
      if (!st.ok()) return Response::FromError(st.error());
      return Response::Ok({{"retried", true}});
    });
  });
  auto seal_json = [](const seal::DepartmentSeal& s) {
    return json{{"id", s.id},
                {"department_id", s.department_id},
                {"department_code", s.department_code},
                {"department_name", s.department_name},
                {"serial", s.serial},
                {"es_id", s.es_id},
                {"status", seal::SealStatusCode(s.status)},
                {"valid_from", s.valid_from},
                {"valid_to", s.valid_to},
                {"revoked_at", s.revoked_at ? json(*s.revoked_at) : json()},
                {"revocation_reason", s.revocation_reason},
                {"certificate_pem", s.certificate_pem}};
  };
  router.Add("GET", "/api/v1/admin/seals", Access::Admin(), [d, seal_json](Request&) {
    if (!d.seals) return Response::Ok({{"items", json::array()}});
    auto departments = d.auth.ListDepartments();
    if (!departments.ok()) return Response::FromError(departments.error());
    json items = json::array();
    for (const auto& dep : *departments) {
      auto s = d.seals->ActiveSeal(dep.id);
      json row = {{"department_id", dep.id}, {"department_code", dep.code}, {"department_name", dep.name}};
      row["seal"] = s.ok() ? seal_json(*s) : json();
      items.push_back(row);
    }
    return Response::Ok({{"items", items}});
  });
  router.Add("POST", "/api/v1/admin/seals", Access::Admin(), [d, seal_json](Request& req) {
    return WithBody(req, [&](const json& body) {
      if (!d.seals)
        return Response::FromError(
            core::MakeError(core::ErrorKind::kUnavailable, "no_seals", "未启用电子印章", ""));
      auto dep = d.auth.FindDepartmentByCode(Str(body, "department"));
      if (!dep.ok()) return Response::FromError(dep.error());
      audit::Actor actor{req.User().user_id, req.User().login};
      auto ca = d.seals->EnsureCa(actor);
      if (!ca.ok()) return Response::FromError(ca.error());
      return Answer(d.seals->IssueDepartmentSeal(actor, {dep->id, dep->code, dep->name, ""}), seal_json, 201);
    });
  });
  router.Add(
      "POST", "/api/v1/admin/seals/{id}/revoke", Access::Admin().On("seal"), [d, seal_json](Request& req) {
        return WithId(req, [&](int64_t id) {
          return WithBody(req, [&](const json& body) {
            if (!d.seals)
              return Response::FromError(
                  core::MakeError(core::ErrorKind::kUnavailable, "no_seals", "未启用电子印章", ""));
            return Answer(d.seals->Revoke({req.User().user_id, req.User().login}, id, Str(body, "reason")),
                          seal_json);
          });
        });
      });
}

}  // namespace

void RegisterWorkflowApi(Router& router, WorkflowApiDeps deps) {
  // An application is the applicant's and the departments' holding its stages (and the admin's).
  router.SetOwnerCheck("application", VisibleTo([&wf = deps.workflow](const auth::Principal& p, int64_t id) {
                         return wf.Get(p, id);
                       }));
  router.SetOwnerCheck("stage", [&wf = deps.workflow](const auth::Principal& p, int64_t id) {
    return wf.RequireStageOf(p, id);
  });
  router.SetOwnerCheck("objection", [&wf = deps.workflow](const auth::Principal& p, int64_t id) {
    return wf.RequireObjectionOf(p, id);
  });
  AddFileRoutes(router, deps);
  AddDefinitionRoutes(router, deps);
  AddApplicantRoutes(router, deps);
  AddReviewRoutes(router, deps);
  AddOutcomeRoutes(router, deps);
  AddInboxRoutes(router, deps);
  AddAdminRoutes(router, deps);
}

}  // namespace huiqi::http
