#include "apps/status_line.hpp"

#include <fmt/core.h>

#include <chrono>
#include <iterator>

namespace swarmlab::apps {

std::string format_rate(std::int64_t bytes_per_second) {
  static constexpr const char* units[] = {"B/s", "KiB/s", "MiB/s", "GiB/s", "TiB/s"};
  if (bytes_per_second < 1024)
    return fmt::format("{} B/s", bytes_per_second < 0 ? 0 : bytes_per_second);
  double value = static_cast<double>(bytes_per_second);
  std::size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(units)) {
    value /= 1024;
    ++unit;
  }
  return fmt::format("{:.1f} {}", value, units[unit]);
}

std::string format_eta(const std::optional<net::Duration>& eta) {
  if (!eta) return "-";
  const auto total_seconds = std::chrono::duration_cast<std::chrono::seconds>(*eta).count();
  if (total_seconds < 0) return "-";
  return fmt::format("{}:{:02}:{:02}", total_seconds / 3600, total_seconds / 60 % 60,
                     total_seconds % 60);
}

std::string format_status(const peer::TorrentStatus& status) {
  return fmt::format("{:<11} {:5.1f}%  down {}  up {}  peers {} ({} {})  eta {}",
                     peer::describe(status.state), status.percent,
                     format_rate(status.download_rate_bytes_per_second),
                     format_rate(status.upload_rate_bytes_per_second), status.connections,
                     status.seeds, status.seeds == 1 ? "seed" : "seeds", format_eta(status.eta));
}

}  // namespace swarmlab::apps
