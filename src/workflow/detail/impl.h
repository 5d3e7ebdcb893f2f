#pragma once
// What the workflow service's files share. Not for other modules.

#include <string>
#include <vector>

#include "workflow/detail/repository.h"
#include "workflow/workflow_service.h"

namespace huiqi::workflow {

//! The opinion's canonical bytes and signature, made before the transaction that stores them.
struct SignedOpinion {
  Opinion opinion;
  std::string signature;
};

struct WorkflowService::Impl {
  WorkflowDeps d;
  WorkflowOptions options;

  std::string Now() const { return core::FormatTimestamp(d.clock.Now()); }
  core::Date Today() const { return core::ShanghaiDate(d.clock.Now()); }
  core::Date Due(core::Date from, int days) const {
    return d.calendar.AddWorkingDays(from, std::max(days, 0));
  }
  //! The instant a stage due on `day` becomes overdue: the start of the next day, Shanghai time.
  int64_t EndOf(core::Date day) const { return core::UnixSeconds(core::ShanghaiMidnight(day.AddDays(1))); }

  // Access.
  core::Status RequireOwner(const auth::Principal& p, const Application& a) const;
  core::Result<bool> MaySee(store::Session& s, const auth::Principal& p, const Application& a) const;
  //! The caller's department's active stage of `a` (a reviewer or department admin).
  core::Result<StageRecord*> ActiveStageOf(const auth::Principal& p, Application& a,
                                           std::string_view kind = "") const;

  // Definitions.
  core::Result<FormDef> FormOf(store::Session& s, const policy::Item& item) const;
  core::Result<FlowDef> FlowOf(store::Session& s, const policy::Item& item) const;

  // Effects written with every change (same transaction).
  core::Status Audit(store::Session& s, const auth::Principal& actor, std::string_view action,
                     const Application& before, const Application& after) const;
  core::Status Log(store::Session& s, const Application& a, const auth::Principal& actor,
                   std::string_view action, std::string text,
                   std::optional<int64_t> stage = std::nullopt) const;
  //! The enterprise's accounts: inbox + SMS.
  core::Status TellApplicant(store::Session& s, const Application& a, std::string kind, std::string title,
                             std::string body, std::string sms_template,
                             std::map<std::string, std::string> params) const;
  //! A department's inbox (its staff see it).
  core::Status TellDepartment(store::Session& s, const Application& a, int64_t department_id,
                              std::string kind, std::string title, std::string body) const;
  //! Starts every stage of sequence `seq`: active, started today, due after their working days;
  //! a deadline job each. Returns false when there is no such sequence (the flow is done).
  core::Result<bool> StartSequence(store::Session& s, Application& a, int seq) const;
  core::Status ScheduleDeadline(store::Session& s, const StageRecord& st, int64_t round) const;

  //! The decision trace at submission: the item's rule on the archive's facts.
  core::Status Trace(Application& a, const policy::Item& item) const;
  //! The opinion sealed with the stage department's seal (unsigned without a seal provider);
  //! signed before the transaction that stores it.
  core::Result<SignedOpinion> Sign(const auth::Principal& reviewer, const Application& a,
                                   const StageRecord& st, std::string decision, std::string text) const;
  core::Status StoreOpinion(store::Session& s, const Application& a, const Opinion& o,
                            const std::string& signature, std::optional<int64_t> reviewer) const;

  core::Result<Application> Reload(int64_t id, std::optional<int64_t> viewer) const;
};

}  // namespace huiqi::workflow
