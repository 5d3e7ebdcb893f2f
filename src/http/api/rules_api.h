#pragma once
// The rule language over HTTP, for the department console's rule builder.
//   POST /api/v1/rules/check     {rule} → {canonical, conditions: [{text, canonical}]}; errors carry
//   `position` POST /api/v1/rules/simulate  {rule} → {eligible, unknown, total, breakdown} (department staff,
//   admin)

#include "core/date.h"
#include "core/reference_data.h"
#include "http/router.h"
#include "match/match_service.h"

namespace huiqi::http {

void RegisterRulesApi(Router& router, match::MatchService& matches, const core::ReferenceData& reference,
                      const core::Clock& clock);

}  // namespace huiqi::http
