// Dates as workbooks keep them: serial day numbers, printed by patterns
// such as yyyy年m月d日.
//
// Excel's 1900 date system counts 1900-01-01 as day 1 and (after Lotus
// 1-2-3) takes 1900 for a leap year, so day 60 is the phantom 1900-02-29
// and from day 61 on the serial is the count of days since 1899-12-30.
// The civil-date arithmetic is Howard Hinnant's days_from_civil.
#include <cmath>

#include <fmt/format.h>

#include "data/workbook.h"

namespace paiban::data {
namespace {

/// Days since 1970-01-01 of a proleptic Gregorian date.
long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

CivilDate civil_from_days(long long z) {
  z += 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long long y = static_cast<long long>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(y + (m <= 2)), static_cast<int>(m), static_cast<int>(d)};
}

const long long kEpoch1899_12_30 = days_from_civil(1899, 12, 30);

}  // namespace

CivilDate civil_from_serial(double serial) {
  double day = std::floor(serial);
  if (!std::isfinite(day) || day < 0) return {1900, 1, 0};
  if (day > 2958465) day = 2958465;  // 9999-12-31, Excel's last day
  if (day == 60) return {1900, 2, 29};
  if (day < 60) ++day;  // before the phantom day, the count is one behind
  return civil_from_days(kEpoch1899_12_30 + static_cast<long long>(day));
}

double serial_from_civil(int year, int month, int day) {
  double serial = static_cast<double>(days_from_civil(year, month, day) - kEpoch1899_12_30);
  if (serial < 61) serial -= 1;
  return serial;
}

bool is_date_pattern(std::string_view pattern) {
  bool quoted = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '"') quoted = !quoted;
    else if (c == '\\') ++i;
    else if (!quoted && (c == 'y' || c == 'Y' || c == 'd' || c == 'D')) return true;
  }
  return false;
}

std::optional<std::string> format_date(double serial, std::string_view pattern) {
  if (!std::isfinite(serial)) return std::nullopt;
  CivilDate date = civil_from_serial(serial);
  std::string out;
  for (size_t i = 0; i < pattern.size();) {
    char c = pattern[i];
    char lower = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (lower == 'y' || lower == 'm' || lower == 'd') {
      size_t n = 0;
      while (i + n < pattern.size() && (pattern[i + n] == lower || pattern[i + n] == lower - 'a' + 'A')) ++n;
      i += n;
      int value = lower == 'y' ? date.year : lower == 'm' ? date.month : date.day;
      if (lower == 'y') out += n <= 2 ? fmt::format("{:02}", value % 100) : fmt::format("{:04}", value);
      else if (n == 1) out += fmt::format("{}", value);
      else if (n == 2) out += fmt::format("{:02}", value);
      else return std::nullopt;  // mmm/dddd: month and weekday names are not supported
      continue;
    }
    if (c == '"') {
      size_t close = pattern.find('"', i + 1);
      if (close == std::string_view::npos) return std::nullopt;
      out.append(pattern.substr(i + 1, close - i - 1));
      i = close + 1;
      continue;
    }
    if (c == '\\') {
      if (i + 1 >= pattern.size()) return std::nullopt;
      out += pattern[i + 1];
      i += 2;
      continue;
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '0' || c == '#') return std::nullopt;
    out += c;
    ++i;
  }
  return out;
}

}  // namespace paiban::data
