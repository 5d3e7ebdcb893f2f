#pragma once
// The lifecycles of policies and items as declared transition tables (state/machine.h): every
// status change of either goes through Apply, guarded by the status it was read in.

#include "state/machine.h"

namespace huiqi::policy::detail {

//! draft → in_review → published → superseded | repealed; in_review → draft (rejected);
//! edits only in draft.
const state::Machine& PolicyMachine();
//! draft | withdrawn → published → withdrawn; edits in draft or published (state kept).
const state::Machine& ItemMachine();

}  // namespace huiqi::policy::detail
