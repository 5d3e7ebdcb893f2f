#pragma once
// The application workflow as a service (types in workflow.h). Who may do what is checked here
// with the shared ownership checks (auth/principal.h): an enterprise acts on its own
// applications only; a department's staff see the applications with a stage of their department
// and act only on their department's active stage; counter staff submit on an enterprise's behalf
// with its authorization recorded; the platform admin sees all. Nothing here trusts an id alone.
//
// Thread-safe: state is in the database; every method is one or more transactions.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/principal.h"
#include "core/calendar.h"
#include "core/date.h"
#include "core/error.h"
#include "enterprise/profile.h"
#include "files/file_store.h"
#include "notify/notify.h"
#include "policy/policy_service.h"
#include "rules/schema.h"
#include "seal/seal_service.h"
#include "store/database.h"
#include "workflow/workflow.h"

namespace huiqi::workflow {

struct WorkflowDeps {
  store::Database& db;
  const core::Clock& clock;
  const core::WorkCalendar& calendar;
  policy::PolicyService& policies;
  enterprise::ProfileService& profiles;
  const rules::Schema& schema;
  const notify::Notifier& notifier;
  files::FileStore& files;
  seal::SealProvider* seals = nullptr;  // null: opinions are stored unsigned (tests, no CA yet)
  const core::ReferenceData* reference = nullptr;
};

struct WorkflowOptions {
  int publicity_days = 5;   // 公示 when the item's process names no length (working days)
  int deficiency_days = 5;  // the applicant answers a 补正通知 within this (working days)
  int64_t max_application_bytes = 200 << 20;  // all materials of one application
};

//! What the applicant sends: values of the form's fields, and materials by their position in the
//! guide (a file uploaded before through the file store, or "data_sharing" for 免提交 ones).
struct Submission {
  nlohmann::json values = nlohmann::json::object();
  std::map<int, int64_t> files;  // material position → file id
};

//! An opinion as signed: the canonical bytes (seal::CanonicalOpinion) and the detached
//! SES_Signature over them ("" when unsigned). For `huiqi seal verify --opinion` and exports.
struct OpinionSignature {
  std::string data;
  std::string signature_der;
};
core::Result<OpinionSignature> LoadSignedOpinion(store::Database& db, int64_t opinion_id);

class WorkflowService {
 public:
  WorkflowService(WorkflowDeps deps, WorkflowOptions options = {});

  // ---- the department defines an item's form and stages ----
  //! The saved form, or the default: the rule's attributes (each bound to the archive) and the
  //! amount asked for. Anyone may read it.
  core::Result<FormDef> Form(int64_t item_id);
  //! The item's department (officer or department admin). kInvalidArgument naming the field.
  core::Result<FormDef> SetForm(const auth::Principal& actor, int64_t item_id, std::vector<FormField> fields);
  //! The saved stages, or those derived from the guide's process (受理审核, 结果公示, …).
  core::Result<FlowDef> Flow(int64_t item_id);
  core::Result<FlowDef> SetFlow(const auth::Principal& actor, int64_t item_id, std::vector<StageDef> stages,
                                bool confidential);

  // ---- the applicant (or counter staff on its behalf) ----
  //! A draft for `uscc` (the caller's enterprise; counter staff name one and record the
  //! authorization) with bound fields filled from the archive. kConflict "already_open" with the
  //! open application's case number when there is one.
  core::Result<Application> StartDraft(const auth::Principal& actor, int64_t item_id,
                                       const std::string& uscc = "", const std::string& authorization = "");
  //! Saves values and materials; nothing is validated but their types (drafts may be partial).
  core::Result<Application> SaveDraft(const auth::Principal& actor, int64_t application_id,
                                      const Submission& s);
  //! Validates every field and material at once (kInvalidArgument "incomplete" listing each
  //! problem in `details`), stores the decision trace, and hands it to the first stage.
  core::Result<Application> Submit(const auth::Principal& actor, int64_t application_id, const Submission& s);
  //! Answers the deficiency notice in the same application (a new round; history kept): only the
  //! items the notice listed may change; the paused stage resumes with the days it had left.
  core::Result<Application> Resubmit(const auth::Principal& actor, int64_t application_id,
                                     const Submission& s);
  core::Result<Application> Withdraw(const auth::Principal& actor, int64_t application_id,
                                     const std::string& reason);

  // ---- reviewers ----
  //! The caller's department's active stages (admins: all), due soonest first.
  core::Result<std::vector<QueueRow>> Queue(const auth::Principal& reviewer, const QueueFilter& filter,
                                            int64_t* total = nullptr);
  //! One application with its materials, stages, notices, opinions, objections and timeline.
  //! kNotFound for anyone who may not see it.
  core::Result<Application> Get(const auth::Principal& viewer, int64_t application_id);
  //! The applicant's own applications, newest first, a page at a time (page_size 1..100).
  core::Result<std::vector<Application>> Mine(const auth::Principal& applicant, int page = 1,
                                              int page_size = 100, int64_t* total = nullptr);

  //! 受理: accept (the next stage starts), return one deficiency notice listing everything, or
  //! refuse with the reason and its basis (a rule condition or a material). Reviewer or department
  //! admin of the stage's department.
  core::Result<Application> Accept(const auth::Principal& reviewer, int64_t application_id,
                                   const std::string& opinion);
  core::Result<Application> ReturnForCorrection(const auth::Principal& reviewer, int64_t application_id,
                                                std::vector<DeficiencyItem> items, const std::string& note);
  //! Any active stage of the caller's department: approve (signs, moves on when every department
  //! of the stage has) or refuse (ends the application). The opinion is sealed.
  core::Result<Application> Decide(const auth::Principal& reviewer, int64_t application_id, bool approve,
                                   const std::string& opinion, const std::string& basis = "",
                                   std::optional<int64_t> amount_approved_fen = std::nullopt);
  //! Another reviewer of the same department takes the stage (a department admin reassigns).
  core::Result<Application> Reassign(const auth::Principal& admin, int64_t stage_id, int64_t user_id);

  // ---- 公示 and results ----
  core::Result<Objection> FileObjection(const auth::Principal& who, int64_t application_id,
                                        const std::string& text);
  core::Result<Objection> AnswerObjection(const auth::Principal& reviewer, int64_t objection_id,
                                          const std::string& answer);
  //! Approved applications whose public notice ended, newest first (not confidential items).
  core::Result<std::vector<PublicResult>> PublicResults(int page, int page_size, int64_t* total = nullptr);
  //! Applications in their public notice, ending soonest first (not confidential items).
  core::Result<std::vector<PublicNotice>> InPublicity(int page, int page_size, int64_t* total = nullptr);

  // ---- jobs (run by the scheduler) ----
  //! A stage's deadline passed: flagged overdue, its department's staff and the platform office told.
  core::Status OnStageDeadline(store::Session& tx, int64_t stage_id);
  //! A public notice ended: approved unless an objection is unanswered (then it waits a working day).
  core::Result<std::optional<int64_t>> OnPublicityEnd(store::Session& tx, int64_t application_id);
  //! Verifies an opinion's seal against its stored bytes.
  core::Result<seal::VerifyReport> VerifyOpinion(int64_t opinion_id);

  //! Ownership checks for the router (http::Router::SetOwnerCheck): Ok when `p` is the platform
  //! admin or staff of the department holding the stage / answering the objection (the
  //! application's department); kNotFound otherwise, also for an unknown id.
  core::Status RequireStageOf(const auth::Principal& p, int64_t stage_id);
  core::Status RequireObjectionOf(const auth::Principal& p, int64_t objection_id);

  //! Whether `p`'s department reviews an application that holds the file (file downloads).
  core::Result<bool> ReviewsFile(const auth::Principal& p, int64_t file_id);

  //! The bytes an opinion's signature covers (seal::CanonicalOpinion of the stored opinion).
  core::Result<std::string> OpinionBytes(int64_t opinion_id);

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace huiqi::workflow
