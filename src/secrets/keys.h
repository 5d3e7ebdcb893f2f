#pragma once
// The platform's secret keys and what is done with them: sensitive fields sealed at rest with
// AES-256-GCM (phone numbers, bank accounts, notification addresses, webhook URLs), keyed MACs
// (the audit checkpoint, identity tickets, lookups by a keyed hash) and keys derived for other
// modules. Each purpose gets its own key, derived from the master key by HKDF-SHA256, so a key
// leaked for one use opens nothing else.
//
// The key file holds one master key per line, "k<N> <64 hex digits> [created at]", the newest last; it is
// created with mode 0600 when missing. A sealed value names the key that sealed it
// ("enc1:k1:<base64 of nonce | ciphertext | tag>"), so adding a key (rotation) leaves older
// values readable until they are sealed again. Thread-safe: immutable after loading.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace huiqi::secrets {

class KeyRing {
 public:
  //! Loads `file`, creating it (directories too, mode 0600) with one fresh key when missing.
  //! kInvalidArgument (field "key_file") for a malformed file, kUnavailable when unreadable.
  static core::Result<KeyRing> LoadOrCreate(const std::filesystem::path& file);
  //! One random key in memory (tests and one-off tools).
  static KeyRing Ephemeral();

  //! AES-256-GCM under the newest key's subkey for `purpose`; a fresh 96-bit nonce each call.
  std::string Seal(std::string_view plaintext, std::string_view purpose) const;
  //! The plaintext of a Seal() result; kInvalidArgument "sealed_value" when it was altered, was
  //! sealed for another purpose, or names a key this ring does not hold.
  core::Result<std::string> Open(std::string_view sealed, std::string_view purpose) const;
  static bool IsSealed(std::string_view value) { return value.rfind("enc1:", 0) == 0; }

  //! HMAC-SHA256 (hex) under the newest key's subkey for `purpose`, prefixed "k<N>:".
  std::string Mac(std::string_view data, std::string_view purpose) const;
  //! True when `mac` is Mac(data, purpose) under any key of the ring (constant-time compare).
  bool VerifyMac(std::string_view data, std::string_view mac, std::string_view purpose) const;
  //! A keyed hash that is the same for equal inputs under the *first* key (for lookups by value
  //! without storing it: stable across rotations).
  std::string LookupHash(std::string_view data, std::string_view purpose) const;
  //! 32 bytes derived for `purpose` from the newest key, hex (e.g. a passphrase for PKCS#8).
  std::string DeriveHex(std::string_view purpose) const;

  size_t size() const { return keys_.size(); }

  //! Rotation (`huiqi keys rotate`): appends a fresh random key "k<N+1>" and its creation time to
  //! `file`, written whole to a temporary file, fsynced and renamed over it (mode 0600). The older
  //! keys stay: values sealed under them still open. Returns the new key's id; kUnavailable when
  //! the file cannot be read or written, or another rotation is writing it.
  static core::Result<std::string> AppendKey(const std::filesystem::path& file, std::string_view created_at);
  struct KeyInfo {
    std::string id, created_at;  // created_at "" when the file did not record it (the first key)
  };
  //! The ring's keys, oldest first; never their bytes.
  std::vector<KeyInfo> Keys() const;
  //! The id of the key that sealed `sealed` ("k1"); "" when it is not a Seal() result.
  static std::string_view SealedBy(std::string_view sealed);

 private:
  struct Key {
    std::string id;                    // "k1"
    std::vector<unsigned char> bytes;  // 32
    std::string created_at;
  };
  struct Derived;  // (key id, purpose) → derived key, shared by copies of the ring
  explicit KeyRing(std::vector<Key> keys);
  //! HKDF-SHA256 of `key` for `purpose`, computed once per pair (a MAC per notice, a lookup hash
  //! per login, were an HKDF context each — a fifth of a million-recipient digest's time).
  std::vector<unsigned char> Derive(const Key& key, std::string_view purpose) const;
  std::vector<unsigned char> DeriveUncached(const Key& key, std::string_view purpose) const;
  const Key* Find(std::string_view id) const;

  std::vector<Key> keys_;
  std::shared_ptr<Derived> derived_;
};

//! `bytes` random bytes from OpenSSL's CSPRNG, lower-case hex.
std::string RandomHex(size_t bytes);

//! "13812345678" → "138****5678"; shorter or odd values keep only their last two characters.
std::string MaskPhone(std::string_view phone);

}  // namespace huiqi::secrets
