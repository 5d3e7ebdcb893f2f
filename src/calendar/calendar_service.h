#pragma once
// The working-day calendar as a service: the files in data/holidays plus the special days an
// admin enters through the API (a new year's announcement, a correction), stored in the
// database with an audit row and applied to the in-memory calendar at once.
// Thread-safe: the calendar itself is internally locked; writes go through the database.

#include "auth/principal.h"
#include "core/calendar.h"
#include "core/date.h"
#include "store/database.h"

namespace huiqi::calendar {

//! Merges the stored special days and completed years into `cal`.
core::Status LoadOverrides(store::Database& db, core::WorkCalendar& cal);

class CalendarService {
 public:
  //! `db`, `clock` and `cal` are not owned and must outlive the service.
  CalendarService(store::Database& db, const core::Clock& clock, core::WorkCalendar& cal)
      : db_(db), clock_(clock), cal_(cal) {}

  const core::WorkCalendar& calendar() const { return cal_; }

  //! Sets one special day (platform admin only). Errors: kPermissionDenied; kInvalidArgument
  //! naming "name" when empty, "date" when setting a holiday on a day that is already a
  //! weekend with no change of meaning is allowed.
  core::Status SetDay(const auth::Principal& actor, const core::CalendarDay& day);
  //! Removes a stored special day (platform admin only); kNotFound when none is stored.
  core::Status ClearDay(const auth::Principal& actor, core::Date date);
  //! Declares a year's announcement complete so deadlines into it are no longer approximate.
  core::Status MarkYearComplete(const auth::Principal& actor, int year);

 private:
  store::Database& db_;
  const core::Clock& clock_;
  core::WorkCalendar& cal_;
};

}  // namespace huiqi::calendar
