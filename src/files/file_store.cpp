#include "files/file_store.h"

#include <fcntl.h>
#include <magic.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <array>
#include <fstream>
#include <memory>

#include "secrets/keys.h"

namespace huiqi::files {

namespace fs = std::filesystem;

namespace {

constexpr store::Statement kInsert{"files.insert",
                                   "INSERT INTO files (sha256, size, mime, kind, original_name, uploaded_by, "
                                   "owner_uscc, owner_department_id, "
                                   "purpose, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"};
constexpr store::Statement kById{
    "files.by_id",
    "SELECT id, sha256, size, mime, kind, original_name, uploaded_by, owner_uscc, "
    "owner_department_id, purpose, created_at FROM files WHERE id = ?"};

const std::array<std::pair<Kind, std::string_view>, 6> kKinds = {{{Kind::kPdf, "pdf"},
                                                                  {Kind::kJpeg, "jpeg"},
                                                                  {Kind::kPng, "png"},
                                                                  {Kind::kOfd, "ofd"},
                                                                  {Kind::kDocx, "docx"},
                                                                  {Kind::kXlsx, "xlsx"}}};

std::string MimeOf(Kind k) {
  switch (k) {
    case Kind::kPdf:
      return "application/pdf";
    case Kind::kJpeg:
      return "image/jpeg";
    case Kind::kPng:
      return "image/png";
    case Kind::kOfd:
      return "application/ofd";
    case Kind::kDocx:
      return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    case Kind::kXlsx:
      return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  }
  return "application/octet-stream";
}

//! The names of a zip's entries, read from its local file headers (enough to tell OFD, DOCX and
//! XLSX apart; a zip bomb is never inflated).
std::vector<std::string> ZipEntries(const fs::path& file, size_t limit = 200) {
  std::vector<std::string> names;
  std::ifstream in(file, std::ios::binary);
  std::array<unsigned char, 30> h{};
  while (names.size() < limit && in.read(reinterpret_cast<char*>(h.data()), h.size())) {
    if (!(h[0] == 'P' && h[1] == 'K' && h[2] == 3 && h[3] == 4)) break;
    uint32_t compressed = h[18] | h[19] << 8 | h[20] << 16 | static_cast<uint32_t>(h[21]) << 24;
    uint16_t name_len = static_cast<uint16_t>(h[26] | h[27] << 8),
             extra = static_cast<uint16_t>(h[28] | h[29] << 8);
    uint16_t flags = static_cast<uint16_t>(h[6] | h[7] << 8);
    std::string name(name_len, '\0');
    if (!in.read(name.data(), name_len)) break;
    names.push_back(name);
    if (flags & 0x08) break;  // sizes follow the data: stop rather than scan for the descriptor
    in.seekg(extra + static_cast<std::streamoff>(compressed), std::ios::cur);
  }
  return names;
}

core::Error BadType(const std::string& found) {
  return core::InvalidArgument(
      "file", "file_type", "不支持的文件类型（" + found + "）：请上传 PDF、JPEG、PNG、OFD、DOCX 或 XLSX 文件",
      "unsupported file type: " + found);
}

}  // namespace

std::string_view KindCode(Kind k) {
  for (const auto& [kind, code] : kKinds) {
    if (kind == k) return code;
  }
  return "pdf";
}

std::string_view KindLabel(Kind k) {
  switch (k) {
    case Kind::kPdf:
      return "PDF 文件";
    case Kind::kJpeg:
      return "JPEG 图片";
    case Kind::kPng:
      return "PNG 图片";
    case Kind::kOfd:
      return "OFD 版式文件";
    case Kind::kDocx:
      return "Word 文档";
    case Kind::kXlsx:
      return "Excel 表格";
  }
  return "文件";
}

core::Result<Kind> SniffFile(const fs::path& file) {
  std::unique_ptr<struct magic_set, decltype(&magic_close)> m(magic_open(MAGIC_MIME_TYPE), magic_close);
  if (!m || magic_load(m.get(), nullptr) != 0) return core::Internal("libmagic cannot load its database");
  const char* type = magic_file(m.get(), file.c_str());
  std::string mime = type ? type : "unknown";
  if (mime == "application/pdf") return Kind::kPdf;
  if (mime == "image/jpeg") return Kind::kJpeg;
  if (mime == "image/png") return Kind::kPng;
  if (mime == "application/zip" || mime.rfind("application/vnd.openxmlformats-officedocument", 0) == 0 ||
      mime == "application/octet-stream") {
    auto names = ZipEntries(file);
    auto has = [&](std::string_view prefix) {
      for (const auto& n : names) {
        if (n.rfind(prefix, 0) == 0) return true;
      }
      return false;
    };
    if (has("OFD.xml")) return Kind::kOfd;  // GB/T 33190: the entry file of an OFD package
    if (has("word/")) return Kind::kDocx;
    if (has("xl/")) return Kind::kXlsx;
  }
  return BadType(mime);
}

core::Result<std::string> Sha256OfFile(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in)
    return core::MakeError(core::ErrorKind::kUnavailable, "file_read", "无法读取文件",
                           "cannot read the file");
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::array<char, 1 << 16> buf{};
  while (in.read(buf.data(), buf.size()) || in.gcount() > 0) {
    EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<size_t>(in.gcount()));
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

FileStore::FileStore(store::Database& db, const core::Clock& clock, FileStoreOptions options,
                     Scanner* scanner)
    : db_(db), clock_(clock), options_(std::move(options)), scanner_(scanner) {
  std::error_code ec;
  fs::create_directories(options_.root / "tmp", ec);
}

fs::path FileStore::TempPath() const { return options_.root / "tmp" / ("upload-" + secrets::RandomHex(12)); }

fs::path FileStore::PathOf(const StoredFile& f) const {
  return options_.root / "sha256" / f.sha256.substr(0, 2) / f.sha256.substr(2, 2) / f.sha256;
}

core::Result<StoredFile> FileStore::Accept(const fs::path& temp, const auth::Principal& uploader,
                                           std::string original_name, std::string purpose) {
  struct Cleanup {
    const fs::path& p;
    ~Cleanup() {
      std::error_code ec;
      fs::remove(p, ec);
    }
  } cleanup{temp};
  std::error_code ec;
  auto size = fs::file_size(temp, ec);
  if (ec)
    return core::InvalidArgument("file", "file_missing", "上传的文件不完整，请重新上传", "no uploaded file");
  if (size == 0) return core::InvalidArgument("file", "file_empty", "文件为空", "empty file");
  if (static_cast<int64_t>(size) > options_.max_file_bytes) {
    return core::MakeError(core::ErrorKind::kPayloadTooLarge, "file_too_large",
                           "文件超过 " + std::to_string(options_.max_file_bytes >> 20) + " MB 的上限",
                           "file over the size limit", "file");
  }
  HQ_ASSIGN_OR_RETURN(Kind kind, SniffFile(temp));
  if (scanner_ != nullptr) HQ_RETURN_IF_ERROR(scanner_->Scan(temp));
  HQ_ASSIGN_OR_RETURN(std::string sha, Sha256OfFile(temp));
  if (original_name.size() > 255) original_name.resize(255);
  StoredFile f;
  f.sha256 = sha;
  f.size = static_cast<int64_t>(size);
  f.kind = kind;
  f.mime = MimeOf(kind);
  f.original_name = original_name.empty() ? "材料." + std::string(KindCode(kind)) : std::move(original_name);
  f.purpose = std::move(purpose);
  f.created_at = core::FormatTimestamp(clock_.Now());
  if (uploader.user_id > 0) f.uploaded_by = uploader.user_id;
  if (uploader.Is(auth::UserKind::kEnterprise)) f.owner_uscc = uploader.uscc;
  if (uploader.Is(auth::UserKind::kDepartmentStaff)) f.owner_department_id = uploader.department_id;
  // The bytes first (rename is atomic; an identical file already there is the same content), then
  // the row: a crash in between leaves an unreferenced blob, never a row without its bytes.
  fs::path dest = PathOf(f);
  fs::create_directories(dest.parent_path(), ec);
  if (!fs::exists(dest, ec)) {
    int fd = ::open(temp.c_str(), O_RDONLY);
    if (fd >= 0) {
      ::fsync(fd);
      ::close(fd);
    }
    fs::rename(temp, dest, ec);
    if (ec) {
      return core::MakeError(core::ErrorKind::kUnavailable, "file_store", "文件保存失败",
                             "cannot store the file");
    }
  }
  HQ_ASSIGN_OR_RETURN(f.id, db_.WriteValue<int64_t>([&](store::Session& s) -> core::Result<int64_t> {
    HQ_ASSIGN_OR_RETURN(auto row,
                        s.QueryOne(kInsert,
                                   {f.sha256, f.size, f.mime, std::string(KindCode(f.kind)), f.original_name,
                                    store::OptionalInt(f.uploaded_by), store::OptionalText(f.owner_uscc),
                                    store::OptionalInt(f.owner_department_id), f.purpose, f.created_at},
                                   "", ""));
    return row.Int("id");
  }));
  return f;
}

core::Result<StoredFile> FileStore::Get(int64_t id) {
  return db_.ReadValue<StoredFile>([&](store::Session& s) -> core::Result<StoredFile> {
    HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kById, {id}, "文件", "file"));
    StoredFile f;
    f.id = r.Int("id");
    f.sha256 = r.Text("sha256");
    f.size = r.Int("size");
    f.mime = r.Text("mime");
    for (const auto& [kind, code] : kKinds) {
      if (code == r.Text("kind")) f.kind = kind;
    }
    f.original_name = r.Text("original_name");
    f.uploaded_by = r.OptInt("uploaded_by");
    f.owner_uscc = r.OptText("owner_uscc");
    f.owner_department_id = r.OptInt("owner_department_id");
    f.purpose = r.Text("purpose");
    f.created_at = r.Text("created_at");
    return f;
  });
}

core::Status FileStore::CheckRead(const auth::Principal& reader, const StoredFile& f,
                                  const std::function<bool(const auth::Principal&)>& also) const {
  if (reader.Is(auth::UserKind::kPlatformAdmin)) return core::Ok();
  if (f.owner_uscc && reader.Is(auth::UserKind::kEnterprise) && reader.uscc == f.owner_uscc)
    return core::Ok();
  if (f.owner_department_id && reader.Is(auth::UserKind::kDepartmentStaff) &&
      reader.department_id == f.owner_department_id) {
    return core::Ok();
  }
  if (also && also(reader)) return core::Ok();
  // Not found rather than forbidden: nobody learns which ids exist.
  return core::NotFound("文件", "file");
}

}  // namespace huiqi::files
