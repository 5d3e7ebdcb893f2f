#pragma once
// Passwords: Argon2id (libargon2) with OWASP's recommended cost (19 MiB, 2 passes, 1 lane),
// a random 16-byte salt, stored in the standard encoded form "$argon2id$v=19$m=…".

#include <string>
#include <string_view>

#include "core/error.h"

namespace huiqi::auth {

//! The policy: 10–128 characters with at least one letter and one digit, not the login (nor
//! containing it), not a common password (the shipped list, compared case-insensitively and
//! with leading or trailing digits and symbols removed, so "Password123!" is refused too).
//! Error field "password", code "weak_password" with the reason in Chinese.
core::Status CheckPasswordPolicy(std::string_view password, std::string_view login = "");
inline constexpr size_t kMinPasswordLength = 10;
//! Hashes a password (about 30–50 ms on purpose).
core::Result<std::string> HashPassword(std::string_view password);
//! True when `password` matches `encoded`; false for a mismatch or a malformed hash.
bool VerifyPassword(std::string_view encoded, std::string_view password);
//! `bytes` random bytes from OpenSSL's CSPRNG, hex-encoded.
std::string RandomHex(size_t bytes);
//! SHA-256 of `data`, hex-encoded (session tokens are stored only as this digest).
std::string Sha256Hex(std::string_view data);

}  // namespace huiqi::auth
