// What `swarmlab download` and `swarmlab seed` share: reading the torrent (a .torrent file or a
// magnet link), and running one torrent on real sockets until it is done or the user stops it
// (SIGINT or SIGTERM), with a status line.
#pragma once

#include "actors/peer/peer_config.hpp"
#include "protocol/magnet.hpp"
#include "protocol/metainfo.hpp"
#include "protocol/peer_address.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace swarmlab::apps {

// A parsed .torrent, or a magnet link whose info dictionary is fetched from peers (BEP 9).
using TorrentInput = std::variant<protocol::Metainfo, protocol::MagnetLink>;

struct ClientOptions {
  // "swarmlab download": the prefix of every message.
  std::string command_name;
  // The content is (or goes) in save_path/<name>.
  std::filesystem::path save_path;
  // Listen (and connect) from this address only; empty: every interface.
  std::string bind;
  std::uint16_t port = 6881;
  std::vector<protocol::PeerAddress> peers;
  // Exit 0 once every piece is verified (a download without --seed-after).
  bool exit_when_complete = true;
  // The data should all be there (seed): pieces that fail the check get a warning line.
  bool data_expected = false;
  peer::SeedingPolicy seeding{};
  std::int64_t upload_rate_limit_bytes_per_second = 0;
  std::int64_t download_rate_limit_bytes_per_second = 0;
  std::int32_t connections_max = 50;
  // Between plain status lines when standard output is not a terminal (a terminal gets one a
  // second); 0: none.
  std::chrono::milliseconds status_interval{5000};
};

// Reads a .torrent file, or parses `input` as a magnet link when it starts with "magnet:".
// On bad input, prints one line naming the input and the problem, and returns nullopt.
std::optional<TorrentInput> load_torrent_input(std::string_view command_name,
                                               const std::string& input);
// "HOST:PORT" with a literal IPv4 or IPv6 address ("127.0.0.1:6881", "[::1]:6881"); prints one
// line and returns nullopt when one is malformed.
std::optional<std::vector<protocol::PeerAddress>> parse_peer_arguments(
    std::string_view command_name, const std::vector<std::string>& arguments);

// Runs until done; returns the exit code.
int run_client(TorrentInput input, const ClientOptions& options);

}  // namespace swarmlab::apps
