// What the scenario engine tells the recorder about a run, its hosts and their counters: the rows
// of the `runs`, `hosts` and `samples` tables before they are written (docs/results.md).
#pragma once

#include "net/time.hpp"
#include "protocol/peer_address.hpp"
#include "record/observer.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace swarmlab::record {

enum class Backend : std::uint8_t { sim, real };

// How a run ended. `completed`: its stop condition held (every peer complete); `time_limit`: the
// time limit came first; `failed`: an invariant was violated or an error stopped it;
// `interrupted`: it was stopped from outside (a signal, an exception that unwound the recorder).
enum class Outcome : std::uint8_t { completed, time_limit, failed, interrupted };

enum class HostRole : std::uint8_t { seed, leecher, tracker, dht };

std::string_view to_string(Backend backend);
std::string_view to_string(Outcome outcome);
std::string_view to_string(HostRole role);

struct RunInfo {
  std::string scenario_name;
  // The scenario file as it was read (before --set overrides, which `parameters_json` reflects).
  std::string scenario_text;
  std::uint64_t seed = 0;
  // Every effective parameter of the run as one JSON object (for instance toml++'s JSON form of the
  // scenario after overrides). Must be valid JSON.
  std::string parameters_json = "{}";
  Backend backend = Backend::sim;
  std::uint32_t piece_count = 0;
  std::uint64_t piece_length_bytes = 0;
  std::uint64_t total_size_bytes = 0;
  // nullopt: the run takes no periodic samples.
  std::optional<net::Duration> sample_interval;
  // The moment the run starts on the hosts' clock. Every recorded time is relative to it, so a
  // simulated run starts at 0 and a real run at its own start, not at the machine's boot.
  net::TimePoint start_time = net::time_zero;
};

struct HostInfo {
  ActorId id = 0;
  HostRole role = HostRole::leecher;
  std::string group;
  std::string bandwidth_class;
  // nullopt: unlimited.
  std::optional<std::uint64_t> upload_bytes_per_second;
  std::optional<std::uint64_t> download_bytes_per_second;
  // The host's addresses. The recorder resolves a remote address to this host by IP alone (ports of
  // outgoing connections are ephemeral); the first one is written to `hosts.address`.
  std::vector<protocol::PeerAddress> addresses;
};

// One host's counters at a sampling tick. Byte counts are payload (piece data) and cumulative
// since the host first joined.
struct HostSample {
  ActorId host = 0;
  std::uint64_t uploaded_bytes = 0;
  std::uint64_t downloaded_bytes = 0;
  std::uint32_t connections = 0;
  std::uint32_t pieces_have = 0;
  // nullopt when the host's choker does not report it.
  std::optional<std::uint32_t> unchoked_peers;
};

}  // namespace swarmlab::record
