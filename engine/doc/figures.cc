// Figures from images: paths kept inside the report folder, widths read, images loaded.
#include "doc/figures.h"

#include <filesystem>

#include <fmt/format.h>

namespace paiban::doc {
namespace fs = std::filesystem;

bool parse_figure_length(const std::string& text, double& fraction, double& pt) {
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (...) {
    return false;
  }
  std::string unit = text.substr(used);
  if (v <= 0) return false;
  if (unit == "%") {
    if (v > 100) return false;
    fraction = v / 100;
  } else if (unit == "mm") pt = v * 72 / 25.4;
  else if (unit == "cm") pt = v * 72 / 2.54;
  else if (unit == "pt") pt = v;
  else if (unit == "in") pt = v * 72;
  else return false;
  return true;
}

namespace {

/// The file an image path names, or "" (reported) when it leaves the report folder.
std::string resolve(const std::string& src, const Span& span, const DocumentSettings& settings, DiagnosticSink& sink) {
  auto outside = [&] {
    sink.error(span, fmt::format("image \"{}\" is outside the report folder", src),
               {"images are named relative to the report folder, e.g. images/photo.jpg, and stay inside it"});
    return std::string();
  };
  if (src.empty()) {
    sink.error(span, "an image needs a path", {"![图题](images/photo.jpg)"});
    return {};
  }
  if (src.find("://") != std::string::npos) {
    sink.error(span, fmt::format("image \"{}\" is not a file of the report", src),
               {"download it into the report folder and name it relative to it, e.g. images/photo.jpg"});
    return {};
  }
  fs::path p = fs::path(src).lexically_normal();
  if (p.is_absolute() || p.empty() || *p.begin() == "..") return outside();
  std::error_code ec;
  fs::path root = fs::weakly_canonical(settings.report_dir, ec);
  fs::path file = fs::path(settings.report_dir) / p;
  if (!fs::exists(file, ec)) {
    sink.error(span, fmt::format("image \"{}\" not found", src),
               {fmt::format("image paths are relative to the report folder ({})", settings.report_dir)});
    return {};
  }
  // Through a symlink, the file itself may lie elsewhere.
  fs::path real = fs::canonical(file, ec);
  if (ec) return outside();
  auto r = real.begin();
  for (auto it = root.begin(); it != root.end(); ++it, ++r)
    if (r == real.end() || *r != *it) return outside();
  if (!fs::is_regular_file(real, ec)) {
    sink.error(span, fmt::format("image \"{}\" is not a file", src));
    return {};
  }
  return real.string();
}

bool add_panel(const source::Block& b, const DocumentSettings& settings, DiagnosticSink& sink, Figure& out) {
  FigurePanel panel;
  panel.span = b.src_span.path.empty() ? b.span : b.src_span;
  if (!b.width.empty() && !parse_figure_length(b.width, panel.width_fraction, panel.width_pt)) {
    sink.error(panel.span, fmt::format("figure width \"{}\" is not a length", b.width), {"width=60% (of the measure), 80mm, 6cm or 200pt"});
    return false;
  }
  double unused = 0;
  if (!b.height.empty() && (!parse_figure_length(b.height, unused, panel.height_pt) || unused > 0)) {
    sink.error(panel.span, fmt::format("figure height \"{}\" is not a length", b.height), {"height=5cm, 60mm or 150pt"});
    return false;
  }
  std::string file = resolve(b.src, panel.span, settings, sink);
  if (file.empty()) return false;
  auto& cache = *settings.image_cache;
  if (auto it = cache.find(file); it != cache.end()) {
    panel.image = it->second;
  } else {
    panel.image = image::load_image(file, b.src, panel.span, sink, settings.image_limits);
    if (!panel.image) return false;
    cache.emplace(file, panel.image);
  }
  out.panels.push_back(std::move(panel));
  return true;
}

}  // namespace

std::shared_ptr<const image::Image> load_report_image(const std::string& src, const Span& span,
                                                      const DocumentSettings& settings, DiagnosticSink& sink) {
  if (settings.report_dir.empty()) {
    sink.error(span, "images need a report folder");
    return {};
  }
  std::string file = resolve(src, span, settings, sink);
  if (file.empty()) return {};
  auto& cache = *settings.image_cache;
  if (auto it = cache.find(file); it != cache.end()) return it->second;
  auto image = image::load_image(file, src, span, sink, settings.image_limits);
  if (image) cache.emplace(file, image);
  return image;
}

bool build_image_figure(const source::Block& b, const DocumentSettings& settings, DiagnosticSink& sink, Figure& out) {
  out.id = b.id;
  out.caption = b.title;
  out.span = b.span;
  if (settings.report_dir.empty()) {
    sink.error(b.span, "images need a report folder");
    return false;
  }
  if (b.children.empty()) {
    if (out.caption.empty())
      sink.error(b.span, "a figure needs a caption", {"the image's text is its caption: ![学生参加技能大赛](images/contest.jpg)"});
    return add_panel(b, settings, sink, out) && !out.caption.empty();
  }
  bool ok = true;
  for (const auto& child : b.children) {
    if (!add_panel(child, settings, sink, out)) {
      ok = false;
      continue;
    }
    out.panels.back().caption = child.title;
    // A row's width is shared: an image without its own width takes an even part.
    if (out.panels.back().width_fraction == 0 && out.panels.back().width_pt == 0 && !b.width.empty()) {
      double f = 0, pt = 0;
      if (parse_figure_length(b.width, f, pt)) {
        out.panels.back().width_fraction = f / b.children.size();
        out.panels.back().width_pt = pt / b.children.size();
      }
    }
  }
  return ok;
}

}  // namespace paiban::doc
