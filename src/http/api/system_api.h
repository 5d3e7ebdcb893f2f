#pragma once
// System endpoints: health, the working-day calendar, reference code lists, USCC check.

#include "calendar/calendar_service.h"
#include "core/date.h"
#include "core/reference_data.h"
#include "http/router.h"
#include "store/database.h"

namespace huiqi::http {

struct SystemApiDeps {
  store::Database& db;
  const core::ReferenceData& reference;
  calendar::CalendarService& calendar;
  const core::Clock& clock;
};

//! GET  /api/v1/health
//! GET  /api/v1/calendar/{year}                    special days of a year and whether it is covered
//! GET  /api/v1/calendar/days/{date}               what kind of day a date is
//! GET  /api/v1/calendar/add?from=&n=              the date n working days after `from`
//! GET  /api/v1/calendar/between?from=&to=         working days after `from` up to `to`
//! PUT  /api/v1/admin/calendar/days/{date}         admin: {kind: holiday|workday, name, source}
//! DELETE /api/v1/admin/calendar/days/{date}       admin
//! POST /api/v1/admin/calendar/years/{year}/complete  admin
//! GET  /api/v1/reference/regions?parent=          GB/T 2260 (Jiangsu)
//! GET  /api/v1/reference/industries?parent=       GB/T 4754-2017 sections and divisions
//! POST /api/v1/uscc/check                         {uscc} → {valid, reason}
void RegisterSystemApi(Router& router, SystemApiDeps deps);

//! GET  /api/v1/admin/routes                       admin: every registered route with its access
//!                                                 rule and what its path names (the route × role
//!                                                 matrix, tests/matrix, reads it). Register last:
//!                                                 it lists what the router holds when called.
void RegisterRouteTableApi(Router& router);

}  // namespace huiqi::http
