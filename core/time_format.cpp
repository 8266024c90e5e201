#include "core/time_format.h"

#include <chrono>
#include <cstdio>

namespace docket {
namespace {

bool read_digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

}  // namespace

void append_iso8601(std::string& out, UnixMillis ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> tp{milliseconds{ms}};
  const auto day = floor<days>(tp);
  const year_month_day ymd{day};
  const hh_mm_ss hms{tp - day};
  // Fixed-width digits written directly: this runs for every event and log line.
  char buf[] = "0000-00-00T00:00:00.000Z";
  auto put = [&buf](std::size_t at, unsigned value, std::size_t width) {
    for (std::size_t i = width; i > 0; --i) {
      buf[at + i - 1] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  };
  const int year = static_cast<int>(ymd.year());
  put(0, static_cast<unsigned>(year < 0 ? 0 : year), 4);
  put(5, static_cast<unsigned>(ymd.month()), 2);
  put(8, static_cast<unsigned>(ymd.day()), 2);
  put(11, static_cast<unsigned>(hms.hours().count()), 2);
  put(14, static_cast<unsigned>(hms.minutes().count()), 2);
  put(17, static_cast<unsigned>(hms.seconds().count()), 2);
  put(20, static_cast<unsigned>(hms.subseconds().count()), 3);
  out.append(buf, sizeof buf - 1);  // without the terminating NUL
}

std::string format_iso8601(UnixMillis ms) {
  std::string out;
  append_iso8601(out, ms);
  return out;
}

std::optional<UnixMillis> parse_iso8601(std::string_view s) {
  using namespace std::chrono;
  int y, mo, d, h = 0, mi = 0, sec = 0, milli = 0;
  if (!read_digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !read_digits(s, 5, 2, mo) ||
      s[7] != '-' || !read_digits(s, 8, 2, d)) {
    return std::nullopt;
  }
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)},
                           day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  std::size_t pos = 10;
  int offset_minutes = 0;
  if (pos < s.size()) {
    if ((s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') || !read_digits(s, pos + 1, 2, h) ||
        s.size() < pos + 9 || s[pos + 3] != ':' || !read_digits(s, pos + 4, 2, mi) ||
        s[pos + 6] != ':' || !read_digits(s, pos + 7, 2, sec)) {
      return std::nullopt;
    }
    if (h > 23 || mi > 59 || sec > 60) return std::nullopt;
    pos += 9;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      std::size_t digits = 0;
      int frac = 0;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (digits < 3) frac = frac * 10 + (s[pos] - '0');
        ++digits;
        ++pos;
      }
      if (digits == 0) return std::nullopt;
      for (std::size_t i = digits; i < 3; ++i)
        frac *= 10;
      milli = frac;
    }
    if (pos >= s.size()) return std::nullopt;  // a time needs a zone
    if (s[pos] == 'Z' || s[pos] == 'z') {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      int oh, om;
      if (!read_digits(s, pos + 1, 2, oh) || s.size() < pos + 6 || s[pos + 3] != ':' ||
          !read_digits(s, pos + 4, 2, om) || oh > 23 || om > 59) {
        return std::nullopt;
      }
      offset_minutes = (oh * 60 + om) * (s[pos] == '+' ? 1 : -1);
      pos += 6;
    } else {
      return std::nullopt;
    }
    if (pos != s.size()) return std::nullopt;
  }
  const auto tp = sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec} + milliseconds{milli} -
                  minutes{offset_minutes};
  return duration_cast<milliseconds>(tp.time_since_epoch()).count();
}

}  // namespace docket
