// Draws the sample pictures of the example report (they are drawings, not photos of a
// real school): a workshop, a computer room and a sports ground as JPEG, a badge as a
// PNG with transparency. Usage: make_sample_images OUTPUT_DIR
//        make_sample_images --seal OUTPUT_DIR: a sample 印章 (a red ring and star on
//        transparency, no name: it stands in for a real seal) as sample-seal.png
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "image/image.h"

namespace {

struct Canvas {
  int w, h;
  std::vector<uint8_t> px;  // RGB
  Canvas(int w_, int h_) : w(w_), h(h_), px(size_t(w_) * h_ * 3, 255) {}
  void set(int x, int y, int r, int g, int b) {
    if (x < 0 || y < 0 || x >= w || y >= h) return;
    uint8_t* p = &px[(size_t(y) * w + x) * 3];
    p[0] = uint8_t(r), p[1] = uint8_t(g), p[2] = uint8_t(b);
  }
  void rect(int x0, int y0, int x1, int y1, int r, int g, int b) {
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x) set(x, y, r, g, b);
  }
  void disc(int cx, int cy, int rad, int r, int g, int b) {
    for (int y = cy - rad; y <= cy + rad; ++y)
      for (int x = cx - rad; x <= cx + rad; ++x)
        if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= rad * rad) set(x, y, r, g, b);
  }
  void sky(int horizon, int r0, int g0, int b0, int r1, int g1, int b1) {
    for (int y = 0; y < horizon; ++y) {
      double t = double(y) / horizon;
      for (int x = 0; x < w; ++x) set(x, y, int(r0 + (r1 - r0) * t), int(g0 + (g1 - g0) * t), int(b0 + (b1 - b0) * t));
    }
  }
  /// A little grain so that the JPEG has something to compress, like a photo.
  void grain() {
    unsigned s = 12345;
    for (auto& v : px) {
      s = s * 1103515245 + 12345;
      int d = int((s >> 16) % 9) - 4;
      v = uint8_t(std::clamp(int(v) + d, 0, 255));
    }
  }
};

void save(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
  std::printf("%s (%zu bytes)\n", path.c_str(), bytes.size());
}

}  // namespace

/// A sample seal: a red ring, a five-pointed star and a bar on transparency.
std::string sample_seal() {
  const int S = 500;
  const double c = S / 2.0;
  std::vector<uint8_t> rgba(size_t(S) * S * 4, 0);
  // The star's ten corners, its point up.
  std::vector<std::pair<double, double>> star;
  for (int k = 0; k < 10; ++k) {
    double r = k % 2 ? 38 : 100, a = -M_PI / 2 + k * M_PI / 5;
    star.push_back({c + r * std::cos(a), c - 10 + r * std::sin(a)});
  }
  auto in_star = [&](double x, double y) {
    bool in = false;
    for (size_t i = 0, j = star.size() - 1; i < star.size(); j = i++) {
      auto [xi, yi] = star[i];
      auto [xj, yj] = star[j];
      if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) in = !in;
    }
    return in;
  };
  for (int y = 0; y < S; ++y)
    for (int x = 0; x < S; ++x) {
      double d = std::hypot(x - c, y - c);
      bool ink = (d < 246 && d > 226) || in_star(x, y) || (std::abs(y - (c + 130)) < 9 && std::abs(x - c) < 120);
      if (!ink) continue;
      uint8_t* p = &rgba[(size_t(y) * S + x) * 4];
      p[0] = 220, p[1] = 20, p[2] = 30, p[3] = 235;
    }
  return paiban::image::encode_png(S, S, 4, rgba, 8, false, 300);
}

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--seal") {
    save(std::string(argv[2]) + "/sample-seal.png", sample_seal());
    return 0;
  }
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_sample_images OUTPUT_DIR\n");
    return 2;
  }
  std::string dir = argv[1];
  const int W = 1200, H = 800;
  {  // 实训车间: a hall with machines
    Canvas c(W, H);
    c.rect(0, 0, W, H, 214, 219, 224);
    c.rect(0, 560, W, H, 120, 126, 132);
    for (int i = 0; i < 6; ++i) c.rect(60 + i * 190, 80, 150 + i * 190, 200, 250, 250, 235);  // windows
    for (int i = 0; i < 4; ++i) {
      int x = 90 + i * 270;
      c.rect(x, 380, x + 200, 560, 46, 94, 150);
      c.rect(x + 20, 330, x + 120, 380, 70, 70, 80);
      c.disc(x + 160, 420, 22, 230, 160, 40);
      c.rect(x + 60, 470, x + 90, 600, 40, 40, 40);
    }
    c.grain();
    save(dir + "/sample-workshop.jpg", paiban::image::encode_jpeg(W, H, 3, c.px, 82, false, 150));
  }
  {  // 计算机房: rows of screens
    Canvas c(W, H);
    c.rect(0, 0, W, H, 236, 232, 222);
    c.rect(0, 600, W, H, 176, 150, 120);
    for (int row = 0; row < 3; ++row)
      for (int i = 0; i < 5; ++i) {
        int x = 80 + i * 220 + row * 20, y = 200 + row * 130;
        c.rect(x, y, x + 150, y + 95, 30, 30, 36);
        c.rect(x + 8, y + 8, x + 142, y + 87, 80, 150, 210);
        c.rect(x + 65, y + 95, x + 85, y + 120, 60, 60, 60);
        c.rect(x - 20, y + 120, x + 170, y + 132, 150, 110, 70);
      }
    c.grain();
    save(dir + "/sample-computer-room.jpg", paiban::image::encode_jpeg(W, H, 3, c.px, 82, true, 150));
  }
  {  // 运动场: sky, sun, track; stored on its side with an EXIF orientation (6: turn 90° clockwise)
    Canvas c(W, H);
    c.sky(420, 120, 170, 230, 200, 225, 245);
    c.disc(950, 140, 70, 255, 214, 90);
    c.rect(0, 420, W, H, 88, 160, 80);
    c.rect(0, 560, W, 660, 196, 84, 60);
    for (int i = 1; i < 6; ++i) c.rect(0, 560 + i * 17, W, 562 + i * 17, 240, 240, 240);
    c.grain();
    // Stored turned 90° counter-clockwise: the viewer turns it back by EXIF 6.
    Canvas t(H, W);
    for (int y = 0; y < H; ++y)
      for (int x = 0; x < W; ++x) {
        const uint8_t* p = &c.px[(size_t(y) * W + x) * 3];
        t.set(y, W - 1 - x, p[0], p[1], p[2]);
      }
    save(dir + "/sample-sports-ground.jpg", paiban::image::encode_jpeg(H, W, 3, t.px, 82, false, 150, 6));
  }
  {  // 校徽: a badge on transparency
    const int S = 400;
    std::vector<uint8_t> rgba(size_t(S) * S * 4, 0);
    for (int y = 0; y < S; ++y)
      for (int x = 0; x < S; ++x) {
        double d = std::hypot(x - S / 2.0, y - S / 2.0);
        uint8_t* p = &rgba[(size_t(y) * S + x) * 4];
        if (d < 190) {
          bool ring = d > 160;
          p[0] = ring ? 31 : 230, p[1] = ring ? 56 : 162, p[2] = ring ? 100 : 60;
          p[3] = uint8_t(std::clamp(190.0 - d, 0.0, 1.0) * 255);
        }
      }
    save(dir + "/sample-badge.png", paiban::image::encode_png(S, S, 4, rgba, 8, false, 300));
  }
  return 0;
}
