#pragma once
#include <string_view>

namespace huiqi::auth::detail {

//! True when `lower` (already lower-cased) is on the shipped list of common passwords.
bool IsCommonPassword(std::string_view lower);

}  // namespace huiqi::auth::detail
