// What a scenario file says, as plain values (docs/scenarios.md documents every key). The parser
// (spec_parse.hpp) fills these from TOML and checks them; the engine (engine.hpp) builds a world
// from them. Part of scenarios/; no I/O.
//
// Units are in the names: durations are net::Duration (nanoseconds), sizes bytes, rates bytes per
// second. Named things (bandwidth classes, groups, trackers) keep the order of the file, which is
// the order hosts are created in, so the run never depends on a map's order.
#pragma once

#include "actors/peer/choker.hpp"
#include "actors/peer/piece_strategy.hpp"
#include "net/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace swarmlab::scenarios {

enum class PayloadMode : std::uint8_t { real, phantom };
enum class LatencyModel : std::uint8_t { fixed, pair_uniform };

struct StopCondition {
  // Stop at this simulated time; nullopt: no limit (then all_complete must be set).
  std::optional<net::Duration> time_limit{};
  // Stop once every arrival has happened and every leecher present has completed.
  bool all_complete = true;
  // A leecher present while a seed is present and no fault is in force must complete within this
  // much time of the later of its arrival and the end of the last fault; nullopt: derived from
  // the torrent and the slowest link (docs/scenarios.md).
  std::optional<net::Duration> liveness_deadline{};
};

struct TorrentSpec {
  std::uint64_t total_size_bytes = 16 * 1024 * 1024;
  std::uint32_t piece_length_bytes = 256 * 1024;
  std::uint32_t file_count = 1;
};

struct BandwidthClass {
  std::string name{};
  std::uint64_t upload_bytes_per_second = 0;  // 0: unlimited
  std::uint64_t download_bytes_per_second = 0;
  net::Duration latency{0};  // one way, host to core
};

struct NetworkSpec {
  LatencyModel latency_model = LatencyModel::fixed;
  net::Duration core_latency{0};
  net::Duration core_latency_min{0};
  net::Duration core_latency_max{0};
  // Simulated TCP: bytes a connection holds before its uplink, and its receive window. Unset: the
  // simulator's defaults (sim::StreamConfig).
  std::optional<std::uint64_t> send_buffer_bytes;
  std::optional<std::uint64_t> receive_window_bytes;
  // sim::WorldConfig::link_turn: 0 keeps message-level turns on every link.
  net::Duration link_turn{0};
  std::vector<BandwidthClass> classes{};
};

// One class's share of a group, as a weight (the group's hosts are split in proportion).
struct ClassShare {
  std::size_t class_index = 0;
  double weight = 1;
};

enum class ContentKind : std::uint8_t { empty, seed, fraction };
struct InitialContent {
  ContentKind kind = ContentKind::empty;
  // ContentKind::fraction: each piece held with this probability, in [0, 1].
  double fraction = 0;
};

enum class ArrivalProcess : std::uint8_t { at_once, uniform, poisson, file };
struct Arrival {
  ArrivalProcess process = ArrivalProcess::at_once;
  net::Duration start{0};
  // uniform: arrivals spread uniformly over [start, start + window].
  net::Duration window{0};
  // poisson: arrivals per second, starting at `start`.
  double rate_per_second = 0;
  // file: one arrival time per line, in seconds (resolved against the scenario's folder), read by
  // the parser into `times`.
  std::string file{};
  std::vector<net::Duration> times{};
};

enum class DeparturePolicy : std::uint8_t { stay, on_completion, seed_for, exponential };
struct Departure {
  DeparturePolicy policy = DeparturePolicy::stay;
  // seed_for: how long to stay after completing; exponential: the mean of that time.
  net::Duration seed_time{0};
};

struct GroupSpec {
  std::string name{};
  std::uint32_t count = 1;
  std::vector<ClassShare> classes{};
  peer::ChokerKind choker = peer::ChokerKind::tit_for_tat;
  peer::ChokerKind seed_choker = peer::ChokerKind::seed_round_robin;
  peer::PieceStrategyKind picker = peer::PieceStrategyKind::rarest_first;
  InitialContent content{};
  Arrival arrival{};
  Departure departure{};
  bool corrupt = false;
  std::int32_t connections_max = 0;  // 0: the peer's default
};

struct TrackerSpec {
  std::string name{};
  std::optional<std::size_t> class_index;  // nullopt: an unlimited link
  net::Duration interval = std::chrono::seconds(300);
  net::Duration min_interval = std::chrono::seconds(60);
  std::uint32_t numwant = 50;
  // Peers announce over UDP (BEP 15) rather than HTTP.
  bool udp = true;
};

enum class FaultAction : std::uint8_t {
  partition,     // groups (side A) cut from other_groups (side B), or from everyone else
  heal,          // every partition lifted
  crash,         // the group's hosts stop; state in memory is lost
  restart,       // crashed hosts come back with the pieces they had verified
  set_link,      // the group's hosts get bandwidth class `class_index`
  tracker_down,  // the tracker's host stops
  tracker_up,    // and comes back (with an empty peer table)
  corrupt,       // the group's hosts start (or stop, corrupt = false) sending corrupt blocks
};

struct FaultSpec {
  net::Duration at{0};
  FaultAction action = FaultAction::heal;
  std::vector<std::size_t> groups{};
  std::vector<std::size_t> other_groups{};
  bool one_way = false;
  std::size_t class_index = 0;
  std::size_t tracker_index = 0;
  bool corrupt = true;
};

struct ScenarioSpec {
  std::string name{};
  std::string description{};
  std::uint64_t seed = 1;
  PayloadMode payload = PayloadMode::phantom;
  StopCondition stop{};
  TorrentSpec torrent{};
  NetworkSpec network{};
  std::vector<GroupSpec> groups{};
  std::vector<TrackerSpec> trackers{};
  std::vector<FaultSpec> faults{};
  net::Duration sample_interval = std::chrono::seconds(5);
  // Peers find each other through the trackers' replies (their tracker client), or are handed
  // addresses directly, as a tracker's reply would give them (no tracker traffic).
  bool announce_to_trackers = false;
};

std::string_view to_string(PayloadMode mode);
std::string_view to_string(ArrivalProcess process);
std::string_view to_string(DeparturePolicy policy);
std::string_view to_string(FaultAction action);

}  // namespace swarmlab::scenarios
