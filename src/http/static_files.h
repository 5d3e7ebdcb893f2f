#pragma once
// Static files of the built web app. A request path is resolved strictly inside the web
// directory: absolute paths, "." and ".." segments, backslashes, NUL bytes and hidden files are
// refused, the result is canonicalised (symlinks followed) and must still lie under the
// directory, and only regular files are served. Unknown paths fall back to index.html so the
// single-page app's deep links survive a reload. No Beast type here (unit-testable).

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.h"

namespace huiqi::http {

//! The file under `root` that `request_path` (percent-decoded, starting with '/') names, or
//! nullopt when the path is refused or names no regular file. `root` must be canonical.
std::optional<std::filesystem::path> ResolveStaticPath(const std::filesystem::path& root,
                                                       std::string_view request_path);

//! GET/HEAD of a path outside /api/: the file (or its precompressed .gz twin for clients that
//! accept gzip), index.html for unknown paths, or a 404 for refused paths. nullopt when `dir`
//! is empty or missing, or the request is not for static content.
std::optional<Response> ServeStatic(const std::string& dir, const Request& req);

}  // namespace huiqi::http
