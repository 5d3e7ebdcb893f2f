#pragma once
// The guides' 空白模板 and 填写样例 (issue 12 item 6): GET /files/templates/{name} and
// /files/samples/{name} for anyone (the paths the guides link to), POST
// /api/v1/files/guide?path=… for policy officers to upload one (streamed like other uploads).

#include "files/guide_files.h"
#include "http/router.h"

namespace huiqi::http {

//! `guide_files` must outlive the router.
void RegisterGuideFilesApi(Router& router, files::GuideFiles& guide_files);

}  // namespace huiqi::http
