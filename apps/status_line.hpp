// The one-line summary of a running download or seed that `swarmlab download` and `swarmlab seed`
// print: refreshed in place on a terminal, one line per period otherwise.
#pragma once

#include "actors/peer/torrent_status.hpp"

#include <cstdint>
#include <string>

namespace swarmlab::apps {

// "1.5 MiB/s"-style rates (binary units, one decimal).
std::string format_rate(std::int64_t bytes_per_second);
// "1:02:03" (hours unbounded), or "-" when unknown.
std::string format_eta(const std::optional<net::Duration>& eta);
// "downloading  42.3%  down 1.2 MiB/s  up 0 B/s  peers 3 (1 seed)  eta 0:01:05"
std::string format_status(const peer::TorrentStatus& status);

}  // namespace swarmlab::apps
