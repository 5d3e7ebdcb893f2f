#pragma once
// Subscriptions and pushes over HTTP (issue 15; the contract is the API table of docs/push.md).
// Handlers parse, call push::PushService and map to JSON. Roles are declared per route; ownership
// (a recipient's own pushes, a department's own campaigns) is checked by the service. The one
// public route is the signed one-click unsubscribe.

#include "http/router.h"
#include "push/push.h"

namespace huiqi::http {

//! The service must outlive the router.
void RegisterPushApi(Router& router, push::PushService& service);

}  // namespace huiqi::http
