#pragma once
// Uploaded materials (issue 13): bytes stored content-addressed — files/sha256/ab/cd/<hash> under
// a root directory — so one scan of a file is kept once however often it is attached; the type
// decided by content (libmagic), not by the name; written to a temporary file and renamed, so a
// crash or a cut-off upload leaves no half file; metadata in SQL with the file's owner (the
// enterprise it belongs to, or the department), which decides who may download it.
//
// Thread-safe: all state is on disk and in the database.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/principal.h"
#include "core/date.h"
#include "core/error.h"
#include "store/database.h"

namespace huiqi::files {

//! The types materials may have (常州办法 第十四条: 申报材料 scanned or electronic).
enum class Kind { kPdf, kJpeg, kPng, kOfd, kDocx, kXlsx };
std::string_view KindCode(Kind k);   // "pdf", "jpeg", "png", "ofd", "docx", "xlsx"
std::string_view KindLabel(Kind k);  // PDF 文件, JPEG 图片, …

//! Decides the kind from the bytes (libmagic; OFD, DOCX and XLSX by the entries of their zip).
//! kInvalidArgument "file_type" naming what was found for anything else.
core::Result<Kind> SniffFile(const std::filesystem::path& file);

//! Before a file is accepted: an antivirus or a content policy (clamd in a deployment). The
//! default accepts everything.
class Scanner {
 public:
  virtual ~Scanner() = default;
  //! kInvalidArgument "file_rejected" with the reason to refuse the file.
  virtual core::Status Scan(const std::filesystem::path& file) = 0;
};

struct StoredFile {
  int64_t id = 0;
  std::string sha256, mime, original_name, created_at, purpose;
  Kind kind = Kind::kPdf;
  int64_t size = 0;
  std::optional<std::string> owner_uscc;
  std::optional<int64_t> owner_department_id;
  std::optional<int64_t> uploaded_by;
};

struct FileStoreOptions {
  std::filesystem::path root;         // the content store; created when missing
  int64_t max_file_bytes = 50 << 20;  // one file
};

class FileStore {
 public:
  //! `scanner` may be null (accept all). Not owned.
  FileStore(store::Database& db, const core::Clock& clock, FileStoreOptions options,
            Scanner* scanner = nullptr);

  const FileStoreOptions& options() const { return options_; }
  //! A fresh temporary path under the root (same file system: the final rename is atomic).
  std::filesystem::path TempPath() const;

  //! Takes an uploaded temporary file (streamed to TempPath by the server): checks size, type and
  //! the scanner, moves it to its content address, records it for `uploader` (an enterprise's
  //! file belongs to the enterprise; a department's to the department). The temporary file is
  //! gone afterwards whatever the outcome. Errors: kPayloadTooLarge, kInvalidArgument
  //! "file_type" / "file_rejected" / "file_empty".
  core::Result<StoredFile> Accept(const std::filesystem::path& temp, const auth::Principal& uploader,
                                  std::string original_name, std::string purpose);
  core::Result<StoredFile> Get(int64_t id);
  //! The content's path, for a caller that has decided the reader may read it.
  std::filesystem::path PathOf(const StoredFile& f) const;

  //! Who may download: the owning enterprise's users, staff of the owning department, platform
  //! admins, and anyone `also` allows (the departments reviewing an application it belongs to).
  core::Status CheckRead(const auth::Principal& reader, const StoredFile& f,
                         const std::function<bool(const auth::Principal&)>& also = {}) const;

 private:
  store::Database& db_;
  const core::Clock& clock_;
  FileStoreOptions options_;
  Scanner* scanner_;
};

//! The SHA-256 of a file, lower-case hex.
core::Result<std::string> Sha256OfFile(const std::filesystem::path& file);

}  // namespace huiqi::files
