// What a peer and each of its torrents are told to do: plain values given by the command line, the
// scenario engine or a test. Part of actors/peer; no I/O.
#pragma once

#include "actors/peer/choker.hpp"
#include "actors/peer/piece_picker.hpp"
#include "actors/peer/piece_strategy.hpp"
#include "actors/peer/session_limits.hpp"
#include "actors/peer/types.hpp"
#include "net/time.hpp"
#include "protocol/sha1.hpp"
#include "record/observer.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace swarmlab::peer {

struct PeerConfig {
  // The port to accept connections on, on every address of the host; 0 picks a free one.
  std::uint16_t listen_port = 6881;
  // Drawn from the host's generator when absent ("-SL0100-" and 12 random characters).
  std::optional<protocol::PeerId> peer_id{};
  // Sent as "v" in the extension handshake.
  std::string client_name = "swarmlab 0.1.0";
  // Reports go here; null costs nothing.
  record::Observer* observer = nullptr;
  // The id reports carry (the host id in a simulated world).
  record::ActorId actor_id = 0;
  // The wire decoder's starting buffer per connection (see session_limits.hpp).
  std::size_t receive_buffer_bytes = limits::receive_buffer_bytes_default;
};

// When a complete torrent stops uploading.
struct SeedingPolicy {
  enum class Kind : std::uint8_t { forever, duration, ratio };
  Kind kind = Kind::forever;
  // Kind::duration: how long to seed after completing (or after starting complete).
  net::Duration duration{0};
  // Kind::ratio: stop once payload uploaded >= ratio_permille / 1000 x the torrent's size.
  std::int64_t ratio_permille = 0;
};

// What to do with data already in the storage when the torrent starts.
enum class ExistingData : std::uint8_t {
  // Assume nothing is there: download every piece (fresh storage).
  none,
  // Re-verify every piece and download only the missing ones (resume, seeding from files).
  verify,
  // Trust that every piece is present: start as a seed without reading anything (a simulated
  // seed whose storage was filled by the scenario).
  trust_complete,
};

struct TorrentConfig {
  std::int32_t connections_max = limits::connections_per_torrent_default;
  std::int32_t half_open_max = limits::half_open_default;
  // Payload rate limits for the whole torrent; 0: unlimited.
  std::int64_t upload_rate_limit_bytes_per_second = 0;
  std::int64_t download_rate_limit_bytes_per_second = 0;
  // The choker while downloading and once complete.
  ChokerKind leech_choker = ChokerKind::tit_for_tat;
  ChokerKind seed_choker = ChokerKind::seed_round_robin;
  ChokerOptions choker{};
  PieceStrategyKind piece_strategy = PieceStrategyKind::rarest_first;
  std::int32_t initial_random_pieces = limits::initial_random_pieces_default;
  PickerOptions picker{};
  SeedingPolicy seeding{};
  ExistingData existing_data = ExistingData::verify;
  // One priority per file of the torrent, in order; empty: every file normal.
  std::vector<Priority> file_priorities{};
  // Features offered in the handshake.
  bool fast_extension = true;
  bool extension_protocol = true;
  // Research and tests: this peer lies, sending wrong bytes in every block it uploads (in phantom
  // mode, non-zero bytes, which receivers treat as a corrupt sender's).
  bool send_corrupt_blocks = false;
};

}  // namespace swarmlab::peer
