// The torrent's status snapshot, and the names of its states.
#include "actors/peer/torrent.hpp"

#include <algorithm>
#include <cassert>

namespace swarmlab::peer {

std::string_view describe(TorrentState state) {
  switch (state) {
    case TorrentState::checking:
      return "checking";
    case TorrentState::downloading:
      return "downloading";
    case TorrentState::seeding:
      return "seeding";
    case TorrentState::finished:
      return "finished";
    case TorrentState::stopped:
      return "stopped";
    case TorrentState::failed:
      return "failed";
  }
  assert(false && "unknown torrent state");
  return "unknown";
}

TorrentStatus Torrent::status() const {
  const net::TimePoint now = host_.now();
  TorrentStatus status;
  status.state = state_;
  status.piece_count = pieces_.piece_count().value();
  status.pieces_verified = picker_.have().count().value();
  status.bytes_verified = bytes_verified_;
  status.bytes_left = bytes_left_;
  status.percent = bytes_wanted_ == 0 ? 100.0
                                      : 100.0 * static_cast<double>(bytes_wanted_ - bytes_left_) /
                                            static_cast<double>(bytes_wanted_);
  status.download_rate_bytes_per_second = download_rate_.rate_bytes_per_second(now);
  status.upload_rate_bytes_per_second = upload_rate_.rate_bytes_per_second(now);
  status.connections = static_cast<std::int32_t>(connections_.size());
  status.half_open = half_open_;
  status.seeds = static_cast<std::int32_t>(
      std::count_if(connections_.begin(), connections_.end(),
                    [](const auto& entry) { return entry.second->peer_is_seed(); }));
  status.candidates = static_cast<std::int32_t>(book_.size());
  status.banned = banned_count_;
  status.hash_failures = hash_failures_;
  if (bytes_left_ > 0 && status.download_rate_bytes_per_second > 0) {
    status.eta = std::chrono::seconds(bytes_left_ / status.download_rate_bytes_per_second + 1);
  }
  status.counters = counters_;
  status.completed_at = completed_at_;
  assert(status.percent >= 0 && status.percent <= 100);
  return status;
}

}  // namespace swarmlab::peer
