#pragma once
// 免申即享 offers, payments and subsidy records over HTTP (issue 14; the contract is the API table
// of docs/payments.md). Handlers parse, call payments::PaymentsService and map to JSON: money as
// `*_fen` (integer) with `*_display` (元, for people), every status with its `status_label`,
// lists as {items, total, page, page_size}. CSV uploads are the raw request body (UTF-8 or GBK);
// an import refused whole answers 422 `import_invalid` with its report. Roles are declared per
// route; ownership (an enterprise's own offers, a department's own items) is checked by the
// service.

#include "http/router.h"
#include "payments/payments_service.h"

namespace huiqi::http {

//! The service must outlive the router.
void RegisterPaymentsApi(Router& router, payments::PaymentsService& service);

}  // namespace huiqi::http
