#pragma once
// Applications, review, notices, files and seals over HTTP (issue 13). Handlers parse, call the
// services and map to JSON; roles are declared per route, ownership is checked by the services.
//   Files:      POST /api/v1/files?name=&purpose= (the body is the file, streamed to disk)
//               GET  /api/v1/files/{id} (the owner, the departments reviewing it, admins)
//   Items:      GET/PUT /api/v1/items/{id}/form {fields}, GET/PUT /api/v1/items/{id}/flow {stages,
//   confidential} Applicant:  POST /api/v1/me/applications {item_id}; GET /api/v1/me/applications
//               POST /api/v1/counter/applications {item_id, uscc, authorization} (counter staff)
//               GET /api/v1/applications/{id}; PATCH …/{id} {values, files}; POST …/{id}/submit,
//               …/{id}/resubmit {values, files}; POST …/{id}/withdraw {reason}
//   Reviewers:  GET /api/v1/review/queue?stage_kind=&overdue=1&item_id=&page=&page_size=
//               POST /api/v1/applications/{id}/accept {opinion}; …/return {items, note};
//               …/decide {approve, opinion, basis, amount_approved}; POST /api/v1/stages/{id}/assign
//               {user_id}
//   公示/结果:   POST /api/v1/applications/{id}/objections {text}; POST /api/v1/objections/{id}/answer
//   {answer}
//               GET /api/v1/results?page=; GET /api/v1/opinions/{id}/verify
//   消息中心:    GET /api/v1/me/notices?page=&unread=1; GET …/unread-count; POST …/{id}/read; POST …/read-all
//   Admin:      GET /api/v1/admin/outbox/dead; POST /api/v1/admin/outbox/{id}/retry
//               GET /api/v1/admin/seals; POST /api/v1/admin/seals {department}; POST …/{id}/revoke {reason}

#include "auth/auth_service.h"
#include "files/file_store.h"
#include "http/router.h"
#include "notify/deliverer.h"
#include "notify/notify.h"
#include "seal/seal_service.h"
#include "workflow/workflow_service.h"

namespace huiqi::http {

struct WorkflowApiDeps {
  workflow::WorkflowService& workflow;
  files::FileStore& files;
  notify::Inbox& inbox;
  notify::Deliverer* deliverer = nullptr;  // the admin's dead-letter list; null: not offered
  seal::SealService* seals = nullptr;      // null: seal routes answer 503
  auth::AuthService& auth;
};

//! The deps must outlive the router.
void RegisterWorkflowApi(Router& router, WorkflowApiDeps deps);

}  // namespace huiqi::http
