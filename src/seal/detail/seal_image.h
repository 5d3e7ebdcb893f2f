#pragma once
// Internals of the seal module: the seal picture (SES_ESPictrueInfo), PNG through libpng.

#include <string>
#include <string_view>

#include "core/error.h"

namespace huiqi::seal::detail {

inline constexpr size_t kMaxImageBytes = 512 * 1024;

//! A default seal picture: a red ring with a five-pointed star, transparent elsewhere, PNG.
//! It carries no text: drawing the department's name would need a CJK font stack (see docs/seal.md).
std::string DefaultSealPng();

struct ImageSize {
  unsigned width = 0, height = 0;  // pixels
};
//! Checks that `png` is a PNG libpng can read (≤ kMaxImageBytes); kInvalidArgument field "image".
core::Result<ImageSize> CheckPng(std::string_view png);

}  // namespace huiqi::seal::detail
