#include "secrets/keys.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>

namespace huiqi::secrets {

namespace {

constexpr size_t kKeyLen = 32, kNonceLen = 12, kTagLen = 16;

std::string Hex(const unsigned char* p, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out += kHex[p[i] >> 4];
    out += kHex[p[i] & 15];
  }
  return out;
}

bool FromHex(std::string_view s, std::vector<unsigned char>& out) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (s.size() % 2) return false;
  out.clear();
  for (size_t i = 0; i < s.size(); i += 2) {
    int hi = nibble(s[i]), lo = nibble(s[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<unsigned char>(hi * 16 + lo));
  }
  return true;
}

std::string Base64(const std::vector<unsigned char>& in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), in.data(), static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

bool Unbase64(std::string_view in, std::vector<unsigned char>& out) {
  if (in.empty() || in.size() % 4) return false;
  out.assign(3 * in.size() / 4 + 1, 0);
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  if (n < 0) return false;
  size_t pad = (in.back() == '=') + (in.size() > 1 && in[in.size() - 2] == '=');
  out.resize(static_cast<size_t>(n) - pad);
  return true;
}

std::vector<unsigned char> RandomBytes(size_t n) {
  std::vector<unsigned char> b(n);
  if (RAND_bytes(b.data(), static_cast<int>(n)) != 1) throw std::runtime_error("RAND_bytes failed");
  return b;
}

core::Error BadSealed() {
  return core::InvalidArgument("sealed_value", "sealed_value", "加密数据无法解开（已被改动或密钥不符）",
                               "sealed value cannot be opened (altered, or sealed under an unknown key)");
}

core::Error BadKeyFile(const std::filesystem::path& file, const std::string& why) {
  return core::InvalidArgument("key_file", "key_file", "密钥文件 " + file.string() + " 格式错误：" + why,
                               "malformed key file " + file.string() + ": " + why);
}

}  // namespace

core::Result<KeyRing> KeyRing::LoadOrCreate(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
    std::string line = "k1 " + [] {
      auto b = RandomBytes(kKeyLen);
      return Hex(b.data(), b.size());
    }() + "\n";
    // O_EXCL: two processes starting at once must not each write a different key.
    int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd >= 0) {
      bool ok =
          ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
      ::close(fd);
      if (!ok) {
        return core::MakeError(core::ErrorKind::kUnavailable, "key_file", "无法写入密钥文件 " + file.string(),
                               "cannot write key file " + file.string(), "key_file");
      }
    }
  }
  std::ifstream in(file);
  if (!in) {
    return core::MakeError(core::ErrorKind::kUnavailable, "key_file", "无法读取密钥文件 " + file.string(),
                           "cannot read key file " + file.string(), "key_file");
  }
  std::vector<Key> keys;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    Key k;
    std::string hex;
    if (!(ls >> k.id >> hex) || k.id.size() < 2 || k.id[0] != 'k')
      return BadKeyFile(file, "每行应为 k<N> <64 位十六进制>");
    ls >> k.created_at;  // optional: written by AppendKey
    if (!FromHex(hex, k.bytes) || k.bytes.size() != kKeyLen)
      return BadKeyFile(file, k.id + " 不是 32 字节的十六进制");
    keys.push_back(std::move(k));
  }
  if (keys.empty()) return BadKeyFile(file, "没有密钥");
  return KeyRing(std::move(keys));
}

namespace {

core::Error KeyFileIo(const std::string& what, const std::filesystem::path& file) {
  return core::MakeError(core::ErrorKind::kUnavailable, "key_file",
                         "密钥文件" + what + "失败：" + file.string(),
                         "key file " + what + " failed: " + file.string(), "key_file");
}

// The key's number: "k12" → 12; 0 for an id of another shape.
int KeyNumber(std::string_view id) {
  int n = 0;
  for (char c : id.substr(1)) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + (c - '0');
  }
  return n;
}

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

core::Result<std::string> KeyRing::AppendKey(const std::filesystem::path& file, std::string_view created_at) {
  HQ_ASSIGN_OR_RETURN(KeyRing ring, LoadOrCreate(file));
  std::ifstream in(file, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.eof() && in.fail()) return KeyFileIo("读取", file);
  if (!text.empty() && text.back() != '\n') text += '\n';
  int next = 0;
  for (const auto& k : ring.keys_) next = std::max(next, KeyNumber(k.id));
  std::string id = "k" + std::to_string(next + 1);
  auto bytes = RandomBytes(kKeyLen);
  text += id + " " + Hex(bytes.data(), bytes.size()) + " " + std::string(created_at) + "\n";
  // O_EXCL on the temporary file: a second rotation running at once fails instead of writing a
  // different key over this one. The rename is atomic: a crash leaves the old file or the new.
  std::filesystem::path tmp = file;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return KeyFileIo("写入（" + tmp.string() + " 已存在？）", file);
  bool ok = WriteAll(fd, text) && ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(tmp.c_str(), file.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return KeyFileIo("写入", file);
  }
  std::filesystem::path dir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  if (int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY); dfd >= 0) {
    ::fsync(dfd);  // the rename itself survives a crash
    ::close(dfd);
  }
  return id;
}

std::vector<KeyRing::KeyInfo> KeyRing::Keys() const {
  std::vector<KeyInfo> out;
  for (const auto& k : keys_) out.push_back({k.id, k.created_at});
  return out;
}

std::string_view KeyRing::SealedBy(std::string_view sealed) {
  if (!IsSealed(sealed)) return {};
  std::string_view rest = sealed.substr(5);
  size_t colon = rest.find(':');
  return colon == std::string_view::npos ? std::string_view{} : rest.substr(0, colon);
}

KeyRing KeyRing::Ephemeral() { return KeyRing({Key{"k1", RandomBytes(kKeyLen), ""}}); }

const KeyRing::Key* KeyRing::Find(std::string_view id) const {
  for (const auto& k : keys_) {
    if (k.id == id) return &k;
  }
  return nullptr;
}

struct KeyRing::Derived {
  std::mutex mu;
  std::map<std::string, std::vector<unsigned char>, std::less<>> keys;
};

KeyRing::KeyRing(std::vector<Key> keys) : keys_(std::move(keys)), derived_(std::make_shared<Derived>()) {}

std::vector<unsigned char> KeyRing::Derive(const Key& key, std::string_view purpose) const {
  std::string name = key.id + '\0' + std::string(purpose);
  {
    std::lock_guard<std::mutex> lock(derived_->mu);
    auto it = derived_->keys.find(name);
    if (it != derived_->keys.end()) return it->second;
  }
  std::vector<unsigned char> out = DeriveUncached(key, purpose);
  std::lock_guard<std::mutex> lock(derived_->mu);
  derived_->keys.emplace(std::move(name), out);
  return out;
}

std::vector<unsigned char> KeyRing::DeriveUncached(const Key& key, std::string_view purpose) const {
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr),
                                                                  EVP_PKEY_CTX_free);
  std::vector<unsigned char> out(kKeyLen);
  size_t len = out.size();
  static constexpr unsigned char kSalt[] = "huiqi-secrets-v1";
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) <= 0 ||
      EVP_PKEY_CTX_set_hkdf_md(ctx.get(), EVP_sha256()) <= 0 ||
      EVP_PKEY_CTX_set1_hkdf_salt(ctx.get(), kSalt, sizeof kSalt - 1) <= 0 ||
      EVP_PKEY_CTX_set1_hkdf_key(ctx.get(), key.bytes.data(), static_cast<int>(key.bytes.size())) <= 0 ||
      EVP_PKEY_CTX_add1_hkdf_info(ctx.get(), reinterpret_cast<const unsigned char*>(purpose.data()),
                                  static_cast<int>(purpose.size())) <= 0 ||
      EVP_PKEY_derive(ctx.get(), out.data(), &len) <= 0) {
    throw std::runtime_error("HKDF failed");  // OpenSSL 3 always has HKDF: a broken invariant
  }
  return out;
}

std::string KeyRing::Seal(std::string_view plaintext, std::string_view purpose) const {
  const Key& key = keys_.back();
  auto k = Derive(key, purpose);
  auto nonce = RandomBytes(kNonceLen);
  std::vector<unsigned char> out(nonce);
  out.resize(kNonceLen + plaintext.size() + kTagLen);
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                      EVP_CIPHER_CTX_free);
  int n = 0, fin = 0;
  // The purpose is authenticated too: a value sealed as a phone cannot be opened as a bank account.
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, k.data(), nonce.data()) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &n, reinterpret_cast<const unsigned char*>(purpose.data()),
                        static_cast<int>(purpose.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data() + kNonceLen, &n,
                        reinterpret_cast<const unsigned char*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + kNonceLen + n, &fin) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagLen,
                          out.data() + kNonceLen + plaintext.size()) != 1) {
    throw std::runtime_error("AES-256-GCM seal failed");
  }
  return "enc1:" + key.id + ":" + Base64(out);
}

core::Result<std::string> KeyRing::Open(std::string_view sealed, std::string_view purpose) const {
  if (!IsSealed(sealed)) return BadSealed();
  std::string_view rest = sealed.substr(5);
  size_t colon = rest.find(':');
  if (colon == std::string_view::npos) return BadSealed();
  const Key* key = Find(rest.substr(0, colon));
  std::vector<unsigned char> raw;
  if (!key || !Unbase64(rest.substr(colon + 1), raw) || raw.size() < kNonceLen + kTagLen) return BadSealed();
  auto k = Derive(*key, purpose);
  size_t len = raw.size() - kNonceLen - kTagLen;
  std::string out(len, '\0');
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                      EVP_CIPHER_CTX_free);
  int n = 0, fin = 0;
  bool ok =
      ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, k.data(), raw.data()) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &n, reinterpret_cast<const unsigned char*>(purpose.data()),
                        static_cast<int>(purpose.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &n, raw.data() + kNonceLen,
                        static_cast<int>(len)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagLen, raw.data() + kNonceLen + len) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + n, &fin) == 1;
  if (!ok) return BadSealed();
  return out;
}

namespace {
std::string HmacHex(const std::vector<unsigned char>& key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len)) {
    throw std::runtime_error("HMAC failed");
  }
  return Hex(md, len);
}
}  // namespace

std::string KeyRing::Mac(std::string_view data, std::string_view purpose) const {
  const Key& key = keys_.back();
  return key.id + ":" + HmacHex(Derive(key, purpose), data);
}

bool KeyRing::VerifyMac(std::string_view data, std::string_view mac, std::string_view purpose) const {
  size_t colon = mac.find(':');
  if (colon == std::string_view::npos) return false;
  const Key* key = Find(mac.substr(0, colon));
  if (!key) return false;
  std::string want = HmacHex(Derive(*key, purpose), data);
  std::string_view got = mac.substr(colon + 1);
  return got.size() == want.size() && CRYPTO_memcmp(got.data(), want.data(), want.size()) == 0;
}

std::string KeyRing::LookupHash(std::string_view data, std::string_view purpose) const {
  return HmacHex(Derive(keys_.front(), purpose), data);
}

std::string KeyRing::DeriveHex(std::string_view purpose) const {
  auto k = Derive(keys_.back(), purpose);
  return Hex(k.data(), k.size());
}

std::string RandomHex(size_t bytes) {
  auto b = RandomBytes(bytes);
  return Hex(b.data(), b.size());
}

std::string MaskPhone(std::string_view phone) {
  if (phone.size() == 11) return std::string(phone.substr(0, 3)) + "****" + std::string(phone.substr(7));
  if (phone.size() <= 2) return std::string(phone.size(), '*');
  return std::string(phone.size() - 2, '*') + std::string(phone.substr(phone.size() - 2));
}

}  // namespace huiqi::secrets
