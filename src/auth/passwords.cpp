#include "auth/passwords.h"

#include <argon2.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <vector>

#include "auth/detail/common_passwords.h"

namespace huiqi::auth {

namespace {

constexpr uint32_t kTimeCost = 2;
constexpr uint32_t kMemoryKiB = 19 * 1024;
constexpr uint32_t kLanes = 1;
constexpr size_t kSaltLen = 16;
constexpr size_t kHashLen = 32;

std::string Hex(const unsigned char* p, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += kHex[p[i] >> 4];
    out += kHex[p[i] & 15];
  }
  return out;
}

}  // namespace

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

core::Error Weak(std::string reason_zh, std::string reason_en) {
  return core::InvalidArgument("password", "weak_password", "密码不符合要求：" + reason_zh,
                               "weak password: " + reason_en);
}

//! The password without the digits and symbols people put around a word ("!Qwerty2026" → "qwerty").
std::string Core(std::string_view lower) {
  auto word = [](char c) {
    auto u = static_cast<unsigned char>(c);
    return std::isalpha(u) != 0 || u >= 0x80;  // letters, and any non-ASCII character (汉字)
  };
  size_t b = 0, e = lower.size();
  while (b < e && !word(lower[b])) ++b;
  while (e > b && !word(lower[e - 1])) --e;
  return std::string(lower.substr(b, e - b));
}

}  // namespace

core::Status CheckPasswordPolicy(std::string_view password, std::string_view login) {
  bool letter = false, digit = false;
  for (char c : password) {
    letter |= std::isalpha(static_cast<unsigned char>(c)) != 0;
    digit |= std::isdigit(static_cast<unsigned char>(c)) != 0;
  }
  if (password.size() < kMinPasswordLength || password.size() > 128) {
    return Weak("长度须为 10–128 位", "10-128 characters");
  }
  if (!letter || !digit) return Weak("须同时包含字母和数字", "letters and digits");
  std::string lower = Lower(password);
  std::string login_lower = Lower(login);
  if (login_lower.size() >= 3 && lower.find(login_lower) != std::string::npos) {
    return Weak("不能包含登录名", "contains the login");
  }
  std::string core = Core(lower);
  if (detail::IsCommonPassword(lower) || detail::IsCommonPassword(core) ||
      (core.size() >= 3 && detail::IsCommonPassword(core + "123"))) {
    return Weak("过于常见，容易被猜中", "too common");
  }
  // "aaaaaaaa11", "1212121212ab": long, but a handful of characters repeated.
  std::string distinct = lower;
  std::sort(distinct.begin(), distinct.end());
  if (std::unique(distinct.begin(), distinct.end()) - distinct.begin() < 5)
    return Weak("不同的字符太少", "too few distinct characters");
  return core::Ok();
}

std::string RandomHex(size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  if (RAND_bytes(buf.data(), static_cast<int>(bytes)) != 1) throw std::runtime_error("RAND_bytes failed");
  return Hex(buf.data(), bytes);
}

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  return Hex(md, len);
}

core::Result<std::string> HashPassword(std::string_view password) {
  unsigned char salt[kSaltLen];
  if (RAND_bytes(salt, kSaltLen) != 1) return core::Internal("RAND_bytes failed");
  size_t encoded_len = argon2_encodedlen(kTimeCost, kMemoryKiB, kLanes, kSaltLen, kHashLen, Argon2_id);
  std::string encoded(encoded_len, '\0');
  int rc = argon2id_hash_encoded(kTimeCost, kMemoryKiB, kLanes, password.data(), password.size(), salt,
                                 kSaltLen, kHashLen, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) return core::Internal(std::string("argon2: ") + argon2_error_message(rc));
  encoded.resize(encoded.find('\0') == std::string::npos ? encoded.size() : encoded.find('\0'));
  return encoded;
}

bool VerifyPassword(std::string_view encoded, std::string_view password) {
  std::string enc(encoded);
  return argon2id_verify(enc.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace huiqi::auth
