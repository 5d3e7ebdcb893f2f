#pragma once
// The 空白模板 and 填写样例 a guide links to (issue 12 item 6: the links led to 页面不存在). Each
// is a stored file (file_store.h) published at the path the guide names —
// "/files/templates/wengang-expand.docx", "/files/samples/wengang-expand.pdf" — and anyone may
// download it: a guide is public, so are its blank forms.
//
// Thread-safe: all state is in the database and the file store.

#include <filesystem>
#include <string>
#include <vector>

#include "auth/principal.h"
#include "core/date.h"
#include "core/error.h"
#include "files/file_store.h"
#include "store/database.h"

namespace huiqi::files {

struct GuideFile {
  std::string path, title, created_at;
  StoredFile file;
};

//! True for "/files/templates/<name>" and "/files/samples/<name>" where the name is letters,
//! digits, '-', '_' and one '.' extension (no directories, no dot files).
bool IsGuideFilePath(std::string_view path);

class GuideFiles {
 public:
  //! Nothing is owned.
  GuideFiles(store::Database& db, FileStore& store, const core::Clock& clock)
      : db_(db), store_(store), clock_(clock) {}

  //! Publishes the uploaded temporary file `temp` at `path`, replacing what was there, audited.
  //! Department staff (policy officers, department admins) and platform admins; a path another
  //! department published only that department or a platform admin replaces. Errors:
  //! kPermissionDenied; kInvalidArgument "path" for a path IsGuideFilePath refuses; those of
  //! FileStore::Accept (type, size, scanner). The temporary file is gone afterwards.
  core::Result<GuideFile> Publish(const auth::Principal& who, const std::string& path,
                                  const std::filesystem::path& temp, const std::string& title);
  //! kNotFound when nothing is published at `path`.
  core::Result<GuideFile> Find(const std::string& path);
  //! Every published path, sorted.
  core::Result<std::vector<std::string>> Paths();

  FileStore& store() { return store_; }

 private:
  store::Database& db_;
  FileStore& store_;
  const core::Clock& clock_;
};

}  // namespace huiqi::files
