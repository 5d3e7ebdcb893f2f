#pragma once
// Helpers shared by the files of the enterprise profile (profile_values.cpp parses values as
// people write them; the repository, the CSV import and the corrections reuse the same errors and
// trimming so a bad value reads the same wherever it was typed).

#include <string>

#include "core/error.h"
#include "rules/schema.h"

namespace huiqi::enterprise::detail {

//! kInvalidArgument "invalid_value" naming `field`.
core::Error Bad(const std::string& field, std::string zh, std::string en);
//! Whether the attribute is stored as text (codes and enumerations) rather than a number.
bool IsText(rules::AttrType t);
//! `s` without leading and trailing ASCII white space.
std::string Trim(std::string s);

}  // namespace huiqi::enterprise::detail
