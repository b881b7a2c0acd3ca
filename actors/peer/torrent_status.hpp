// A snapshot of one torrent for the command line's status line, the scenario engine's samples and
// the tracker client's announces. Part of actors/peer; plain values.
#pragma once

#include "actors/peer/transfer_counters.hpp"
#include "net/time.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace swarmlab::peer {

enum class TorrentState : std::uint8_t {
  checking,     // verifying existing data
  downloading,  // some wanted piece is missing
  seeding,      // every wanted piece is verified; uploading per the seeding policy
  finished,     // the seeding policy is met; connections are closed
  stopped,      // stopped by its owner
  failed,       // storage failed
};

std::string_view describe(TorrentState state);

struct TorrentStatus {
  TorrentState state = TorrentState::checking;
  std::int32_t piece_count = 0;
  std::int32_t pieces_verified = 0;
  // Bytes of wanted pieces verified, and of wanted pieces missing (the tracker's "left").
  std::int64_t bytes_verified = 0;
  std::int64_t bytes_left = 0;
  // 0 to 100, of the wanted bytes.
  double percent = 0;
  std::int64_t download_rate_bytes_per_second = 0;
  std::int64_t upload_rate_bytes_per_second = 0;
  std::int32_t connections = 0;
  std::int32_t half_open = 0;
  // Connected peers that have every piece.
  std::int32_t seeds = 0;
  std::int32_t candidates = 0;
  std::int32_t banned = 0;
  std::int32_t hash_failures = 0;
  // At the current download rate; none when complete or nothing arrives.
  std::optional<net::Duration> eta;
  TransferCounters counters;
  // When every wanted piece became verified (none while downloading).
  std::optional<net::TimePoint> completed_at;
};

}  // namespace swarmlab::peer
