#include "seal/detail/seal_image.h"

#include <png.h>

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <vector>

namespace huiqi::seal::detail {

namespace {

constexpr unsigned kSide = 240;  // pixels; the picture is declared 40 mm × 40 mm

// True when (x, y) is inside the five-pointed star centred at (cx, cy) with outer radius r:
// the star is the union of five triangles (centre, outer point, and the inner points beside it).
bool InStar(double x, double y, double cx, double cy, double r) {
  const double inner = r * 0.382;
  double angle = std::atan2(x - cx, cy - y);  // 0 = straight up, clockwise
  double dist = std::hypot(x - cx, y - cy);
  if (dist > r) return false;
  const double sector = 2 * std::numbers::pi / 5;
  double a = std::fmod(angle + 2 * std::numbers::pi, sector);
  if (a > sector / 2) a = sector - a;  // fold onto one half-arm: 0 = towards a point
  // The edge from the outer point (r, 0) to the inner point (inner, sector/2), in polar form.
  double px = r, py = 0, qx = inner * std::cos(sector / 2), qy = inner * std::sin(sector / 2);
  double ux = dist * std::cos(a), uy = dist * std::sin(a);
  double cross = (qx - px) * (uy - py) - (qy - py) * (ux - px);
  return cross >= 0;
}

}  // namespace

std::string DefaultSealPng() {
  std::vector<unsigned char> rgba(kSide * kSide * 4, 0);
  const double c = (kSide - 1) / 2.0, outer = kSide * 0.48, ring = kSide * 0.045;
  for (unsigned y = 0; y < kSide; ++y) {
    for (unsigned x = 0; x < kSide; ++x) {
      double d = std::hypot(x - c, y - c);
      bool red = (d <= outer && d >= outer - ring) || InStar(x, y, c, c, kSide * 0.2);
      if (!red) continue;
      unsigned char* p = &rgba[(y * kSide + x) * 4];
      p[0] = 0xd4, p[1] = 0x1c, p[2] = 0x1c, p[3] = 0xff;  // 印泥红
    }
  }
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = kSide;
  image.height = kSide;
  image.format = PNG_FORMAT_RGBA;
  png_alloc_size_t size = 0;
  if (!png_image_write_to_memory(&image, nullptr, &size, 0, rgba.data(), 0, nullptr)) {
    throw std::runtime_error(std::string("libpng: ") + image.message);
  }
  std::string out(size, '\0');
  if (!png_image_write_to_memory(&image, out.data(), &size, 0, rgba.data(), 0, nullptr)) {
    throw std::runtime_error(std::string("libpng: ") + image.message);
  }
  out.resize(size);
  return out;
}

core::Result<ImageSize> CheckPng(std::string_view png) {
  if (png.size() > kMaxImageBytes) {
    return core::InvalidArgument("image", "image_too_large", "印章图片不能超过 512 KB",
                                 "seal image over 512 KB");
  }
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, png.data(), png.size())) {
    return core::InvalidArgument("image", "not_png", "印章图片必须是有效的 PNG 图像",
                                 std::string("seal image is not a readable PNG: ") + image.message);
  }
  ImageSize size{image.width, image.height};
  png_image_free(&image);
  return size;
}

}  // namespace huiqi::seal::detail
