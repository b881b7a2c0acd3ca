#include "scenarios/spec_decode.hpp"

#include "net/file_io.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>
#include <cmath>
#include <string_view>

namespace swarmlab::scenarios {

namespace {

using namespace std::chrono_literals;

constexpr std::array<std::pair<std::string_view, PayloadMode>, 2> payload_choices{
    {{"real", PayloadMode::real}, {"phantom", PayloadMode::phantom}}};
constexpr std::array<std::pair<std::string_view, LatencyModel>, 2> latency_choices{
    {{"fixed", LatencyModel::fixed}, {"pair_uniform", LatencyModel::pair_uniform}}};
constexpr std::array<std::pair<std::string_view, peer::ChokerKind>, 5> choker_choices{
    {{"tit_for_tat", peer::ChokerKind::tit_for_tat},
     {"seed_round_robin", peer::ChokerKind::seed_round_robin},
     {"seed_fastest_upload", peer::ChokerKind::seed_fastest_upload},
     {"free_rider", peer::ChokerKind::free_rider},
     {"strategic", peer::ChokerKind::strategic}}};
constexpr std::array<std::pair<std::string_view, peer::PieceStrategyKind>, 3> picker_choices{
    {{"rarest_first", peer::PieceStrategyKind::rarest_first},
     {"random", peer::PieceStrategyKind::random},
     {"sequential", peer::PieceStrategyKind::sequential}}};
constexpr std::array<std::pair<std::string_view, ArrivalProcess>, 4> arrival_choices{
    {{"at_once", ArrivalProcess::at_once},
     {"uniform", ArrivalProcess::uniform},
     {"poisson", ArrivalProcess::poisson},
     {"file", ArrivalProcess::file}}};
constexpr std::array<std::pair<std::string_view, DeparturePolicy>, 4> departure_choices{
    {{"stay", DeparturePolicy::stay},
     {"on_completion", DeparturePolicy::on_completion},
     {"seed_for", DeparturePolicy::seed_for},
     {"exponential", DeparturePolicy::exponential}}};
template <class E, std::size_t N>
Choices<E> choices(const std::array<std::pair<std::string_view, E>, N>& list) {
  return Choices<E>(list.data(), list.size());
}

template <class T>
void assign(T& target, const std::optional<T>& value) {
  if (value) target = *value;
}

void decode_stop(TableReader& reader, StopCondition& stop) {
  if (reader.has("time_limit_s")) stop.time_limit = reader.seconds("time_limit_s", true);
  assign(stop.all_complete, reader.boolean("all_complete"));
  if (reader.has("liveness_deadline_s")) {
    stop.liveness_deadline = reader.seconds("liveness_deadline_s", true);
  }
  if (!stop.time_limit && !stop.all_complete) {
    reader.diagnostics().add(reader.table(),
                             "stop: give time_limit_s, or all_complete = true, or both");
  }
}

void decode_torrent(TableReader& reader, TorrentSpec& torrent) {
  assign(torrent.total_size_bytes, reader.size_bytes("size", 1, 1ULL << 50));
  const auto piece_length = reader.size_bytes("piece_length", limits::piece_length_bytes_min,
                                              limits::piece_length_bytes_max);
  if (piece_length) {
    if ((*piece_length & (*piece_length - 1)) != 0) {
      reader.error(*reader.table().get("piece_length"),
                   "torrent.piece_length must be a power of 2");
    }
    torrent.piece_length_bytes = static_cast<std::uint32_t>(*piece_length);
  }
  if (const auto count = reader.integer("files", 1, limits::file_count_max)) {
    torrent.file_count = static_cast<std::uint32_t>(*count);
  }
  const std::uint64_t pieces =
      (torrent.total_size_bytes + torrent.piece_length_bytes - 1) / torrent.piece_length_bytes;
  if (pieces > limits::piece_count_max) {
    reader.diagnostics().add(reader.table(), fmt::format("torrent: {} pieces, more than {}", pieces,
                                                         limits::piece_count_max));
  }
  if (torrent.file_count > torrent.total_size_bytes) {
    reader.diagnostics().add(reader.table(), "torrent: more files than bytes");
  }
}

void decode_class(TableReader& reader, BandwidthClass& bandwidth) {
  assign(bandwidth.upload_bytes_per_second, reader.kbps("upload_kbps"));
  assign(bandwidth.download_bytes_per_second, reader.kbps("download_kbps"));
  assign(bandwidth.latency, reader.milliseconds("latency_ms"));
}

void decode_network(TableReader& reader, NetworkSpec& network) {
  assign(network.latency_model, reader.choice("core_latency_model", choices(latency_choices)));
  assign(network.core_latency, reader.milliseconds("core_latency_ms"));
  assign(network.core_latency_min, reader.milliseconds("core_latency_min_ms"));
  assign(network.core_latency_max, reader.milliseconds("core_latency_max_ms"));
  if (network.core_latency_min > network.core_latency_max) {
    reader.diagnostics().add(reader.table(),
                             "network: core_latency_min_ms is above core_latency_max_ms");
  }
  network.send_buffer_bytes = reader.size_bytes("send_buffer", limits::stream_buffer_bytes_min,
                                                limits::stream_buffer_bytes_max);
  network.receive_window_bytes = reader.size_bytes(
      "receive_window", limits::receive_window_bytes_min, limits::stream_buffer_bytes_max);
  assign(network.link_turn, reader.milliseconds("link_turn_ms"));
  const toml::table* classes = reader.subtable("classes");
  if (classes == nullptr) return;
  for (const auto& [key, node] : in_file_order(*classes)) {
    if (!node->is_table()) {
      reader.diagnostics().add(*node,
                               "network.classes." + std::string(key->str()) + " must be a table");
      continue;
    }
    BandwidthClass bandwidth;
    bandwidth.name = std::string(key->str());
    TableReader class_reader(*node->as_table(), "network.classes." + std::string(key->str()),
                             reader.diagnostics());
    decode_class(class_reader, bandwidth);
    network.classes.push_back(std::move(bandwidth));
  }
}

std::optional<std::size_t> find_class(const NetworkSpec& network, std::string_view name) {
  for (std::size_t index = 0; index < network.classes.size(); ++index) {
    if (network.classes[index].name == name) return index;
  }
  return std::nullopt;
}

// `bandwidth = "cable"` or `bandwidth = { dsl = 20, cable = 80 }` (weights).
void decode_bandwidth(TableReader& reader, const NetworkSpec& network, GroupSpec& group) {
  const toml::node* node = reader.get("bandwidth");
  if (node == nullptr) return;  // an unlimited link
  const std::string name = reader.name("bandwidth");
  if (const auto* text = node->as_string(); text != nullptr) {
    const auto index = find_class(network, text->get());
    if (!index) {
      reader.error(*node, name + ": no bandwidth class '" + text->get() + "' in network.classes");
      return;
    }
    group.classes.push_back({.class_index = *index, .weight = 1});
    return;
  }
  const auto* shares = node->as_table();
  if (shares == nullptr || shares->empty()) {
    reader.error(*node, name + " must be a class name or a table of class = weight");
    return;
  }
  for (const auto& [key, share] : in_file_order(*shares)) {
    const auto index = find_class(network, std::string(key->str()));
    const auto weight = share->value<double>();
    if (!index) {
      reader.diagnostics().add(key->source(),
                               name + ": no bandwidth class '" + std::string(key->str()) + "'");
    } else if (!share->is_number() || !weight || !std::isfinite(*weight) || *weight <= 0) {
      reader.error(*share, name + "." + std::string(key->str()) + " must be a positive number");
    } else {
      group.classes.push_back({.class_index = *index, .weight = *weight});
    }
  }
}

void decode_content(TableReader& reader, InitialContent& content) {
  const toml::node* node = reader.get("content");
  if (node == nullptr) return;
  if (const auto* text = node->as_string(); text != nullptr && text->get() == "seed") {
    content.kind = ContentKind::seed;
  } else if (text != nullptr && text->get() == "empty") {
    content.kind = ContentKind::empty;
  } else if (const auto fraction = node->value<double>();
             node->is_number() && fraction && *fraction >= 0 && *fraction <= 1) {
    content = {.kind = ContentKind::fraction, .fraction = *fraction};
  } else {
    reader.error(*node,
                 reader.name("content") + " must be \"seed\", \"empty\" or a fraction in [0, 1]");
  }
}

void decode_arrival(TableReader& reader, const std::filesystem::path& folder, Arrival& arrival) {
  assign(arrival.process, reader.choice("process", choices(arrival_choices)));
  assign(arrival.start, reader.seconds("start_s"));
  assign(arrival.window, reader.seconds("window_s"));
  if (reader.has("rate_per_s"))
    assign(arrival.rate_per_second, reader.number("rate_per_s", 1e-9, 1e6));
  if (arrival.process == ArrivalProcess::poisson && arrival.rate_per_second <= 0) {
    reader.diagnostics().add(reader.table(),
                             reader.path() + ": a poisson arrival needs rate_per_s");
  }
  const toml::node* file = reader.get("file");
  if (arrival.process == ArrivalProcess::file) {
    if (file == nullptr || !file->is_string()) {
      reader.diagnostics().add(reader.table(),
                               reader.path() + ": a file arrival needs file = \"PATH\"");
      return;
    }
    arrival.file = file->as_string()->get();
    const auto times = read_arrival_times(folder / arrival.file, *file, reader.diagnostics());
    if (times) arrival.times = *times;
  } else if (file != nullptr) {
    reader.error(*file, reader.name("file") + " is only for process = \"file\"");
  }
}

void decode_departure(TableReader& reader, Departure& departure) {
  assign(departure.policy, reader.choice("policy", choices(departure_choices)));
  const bool seed_for = departure.policy == DeparturePolicy::seed_for;
  const bool exponential = departure.policy == DeparturePolicy::exponential;
  if (reader.has("seed_time_s")) assign(departure.seed_time, reader.seconds("seed_time_s"));
  if (reader.has("mean_s")) assign(departure.seed_time, reader.seconds("mean_s", true));
  if (seed_for && !reader.has("seed_time_s")) {
    reader.diagnostics().add(reader.table(), reader.path() + ": seed_for needs seed_time_s");
  }
  if (exponential && !reader.has("mean_s")) {
    reader.diagnostics().add(reader.table(), reader.path() + ": exponential needs mean_s");
  }
  if (reader.has("seed_time_s") && !seed_for) {
    reader.error(*reader.table().get("seed_time_s"),
                 reader.path() + ".seed_time_s is for seed_for");
  }
  if (reader.has("mean_s") && !exponential) {
    reader.error(*reader.table().get("mean_s"), reader.path() + ".mean_s is for exponential");
  }
}

template <class Decode>
void decode_section(TableReader& reader, std::string_view key, Decode&& decode) {
  const toml::table* table = reader.subtable(key);
  if (table == nullptr) return;
  TableReader section(*table, reader.name(key), reader.diagnostics());
  decode(section);
}

void decode_group(TableReader& reader, const std::filesystem::path& folder,
                  const NetworkSpec& network, GroupSpec& group) {
  const bool count_given = reader.has("count");
  if (const auto count = reader.integer("count", 0, limits::host_count_max)) {
    group.count = static_cast<std::uint32_t>(*count);
  }
  decode_bandwidth(reader, network, group);
  assign(group.choker, reader.choice("choker", choices(choker_choices)));
  assign(group.seed_choker, reader.choice("seed_choker", choices(choker_choices)));
  assign(group.picker, reader.choice("picker", choices(picker_choices)));
  decode_content(reader, group.content);
  assign(group.corrupt, reader.boolean("corrupt"));
  if (const auto limit = reader.integer("connections_max", 1, 10'000)) {
    group.connections_max = static_cast<std::int32_t>(*limit);
  }
  decode_section(reader, "arrival",
                 [&](TableReader& section) { decode_arrival(section, folder, group.arrival); });
  decode_section(reader, "departure",
                 [&](TableReader& section) { decode_departure(section, group.departure); });
  if (group.arrival.process != ArrivalProcess::file) return;
  const auto times = static_cast<std::uint32_t>(group.arrival.times.size());
  if (!count_given) {
    group.count = times;
  } else if (times != group.count && !group.arrival.times.empty()) {
    reader.diagnostics().add(reader.table(),
                             fmt::format("{}: count is {} but the arrival file has {} times",
                                         reader.path(), group.count, times));
  }
}

void decode_groups(TableReader& reader, const std::filesystem::path& folder, ScenarioSpec& spec) {
  const toml::table* groups = reader.subtable("groups");
  if (groups == nullptr || groups->empty()) {
    reader.diagnostics().add(reader.table(), "the scenario has no [groups.NAME]");
    return;
  }
  std::uint64_t hosts = 0;
  for (const auto& [key, node] : in_file_order(*groups)) {
    if (!node->is_table()) {
      reader.diagnostics().add(*node, "groups." + std::string(key->str()) + " must be a table");
      continue;
    }
    GroupSpec group;
    group.name = std::string(key->str());
    TableReader group_reader(*node->as_table(), "groups." + std::string(key->str()),
                             reader.diagnostics());
    decode_group(group_reader, folder, spec.network, group);
    hosts += group.count;
    spec.groups.push_back(std::move(group));
  }
  if (spec.groups.size() > limits::group_count_max || hosts > limits::host_count_max) {
    reader.diagnostics().add(*groups, fmt::format("at most {} groups and {} hosts",
                                                  limits::group_count_max, limits::host_count_max));
  }
}

void decode_trackers(TableReader& reader, ScenarioSpec& spec) {
  const toml::table* trackers = reader.subtable("trackers");
  if (trackers == nullptr) return;
  for (const auto& [key, node] : in_file_order(*trackers)) {
    if (!node->is_table()) {
      reader.diagnostics().add(*node, "trackers." + std::string(key->str()) + " must be a table");
      continue;
    }
    TrackerSpec tracker;
    tracker.name = std::string(key->str());
    TableReader tracker_reader(*node->as_table(), "trackers." + std::string(key->str()),
                               reader.diagnostics());
    if (const toml::node* bandwidth = tracker_reader.get("bandwidth"); bandwidth != nullptr) {
      const auto* text = bandwidth->as_string();
      tracker.class_index = text ? find_class(spec.network, text->get()) : std::nullopt;
      if (!tracker.class_index) {
        tracker_reader.error(
            *bandwidth, tracker_reader.name("bandwidth") + " must name a class of network.classes");
      }
    }
    assign(tracker.interval, tracker_reader.seconds("interval_s", true));
    assign(tracker.min_interval, tracker_reader.seconds("min_interval_s"));
    if (const auto protocol = tracker_reader.string("protocol")) {
      tracker.udp = *protocol == "udp";
      if (*protocol != "udp" && *protocol != "http") {
        tracker_reader.error(*tracker_reader.table().get("protocol"),
                             tracker_reader.name("protocol") + " must be \"http\" or \"udp\"");
      }
    }
    if (const auto numwant = tracker_reader.integer("numwant", 1, 1000)) {
      tracker.numwant = static_cast<std::uint32_t>(*numwant);
    }
    spec.trackers.push_back(std::move(tracker));
  }
}

}  // namespace

void decode_faults(TableReader& reader, ScenarioSpec& spec);

void decode_scenario(const toml::table& root, const std::filesystem::path& folder,
                     ScenarioSpec& spec, Diagnostics& diagnostics) {
  TableReader reader(root, "", diagnostics);
  assign(spec.name, reader.string("name"));
  assign(spec.description, reader.string("description"));
  if (const auto seed = reader.integer("seed", 0, std::numeric_limits<std::int64_t>::max())) {
    spec.seed = static_cast<std::uint64_t>(*seed);
  }
  assign(spec.payload, reader.choice("payload", choices(payload_choices)));
  assign(spec.sample_interval, reader.seconds("sample_interval_s", true));
  if (const auto discovery = reader.string("peer_discovery")) {
    spec.announce_to_trackers = *discovery == "tracker";
    if (*discovery != "tracker" && *discovery != "direct") {
      reader.error(*root.get("peer_discovery"), "peer_discovery must be \"tracker\" or \"direct\"");
    }
  }
  decode_section(reader, "stop", [&](TableReader& section) { decode_stop(section, spec.stop); });
  decode_section(reader, "torrent",
                 [&](TableReader& section) { decode_torrent(section, spec.torrent); });
  decode_section(reader, "network",
                 [&](TableReader& section) { decode_network(section, spec.network); });
  decode_groups(reader, folder, spec);
  decode_trackers(reader, spec);
  if (spec.announce_to_trackers && spec.trackers.empty()) {
    diagnostics.add(*root.get("peer_discovery"),
                    "peer_discovery = \"tracker\" needs a [trackers.NAME]");
  }
  decode_faults(reader, spec);
  std::uint64_t hosts = 0;
  for (const GroupSpec& group : spec.groups)
    hosts += group.count;
  if (spec.payload == PayloadMode::real &&
      hosts * spec.torrent.total_size_bytes > limits::real_payload_bytes_total_max) {
    diagnostics.add(
        root.source().path ? *root.source().path : std::string("<scenario>"),
        fmt::format("payload = \"real\" keeps every copy in memory: {} hosts x {} "
                    "bytes is more than {} bytes; use payload = \"phantom\"",
                    hosts, spec.torrent.total_size_bytes, limits::real_payload_bytes_total_max));
  }
}

std::string describe_read_error(std::error_code error, std::size_t size_max) {
  if (error == std::errc::file_too_large) return fmt::format("larger than {} bytes", size_max);
  return error.message();
}

std::optional<std::vector<net::Duration>> read_arrival_times(const std::filesystem::path& path,
                                                             const toml::node& source,
                                                             Diagnostics& diagnostics) {
  const auto text = net::read_file(path, limits::arrival_file_size_max);
  if (!text) {
    diagnostics.add(source, "arrival file " + path.string() + ": " +
                                describe_read_error(text.error(), limits::arrival_file_size_max));
    return std::nullopt;
  }
  std::vector<net::Duration> times;
  std::string_view rest = *text;
  std::size_t line_number = 0;
  while (!rest.empty() && times.size() <= limits::arrival_times_max) {
    const std::size_t line_end = std::min(rest.find('\n'), rest.size());
    const std::string_view line = rest.substr(0, line_end);
    rest.remove_prefix(std::min(line_end + 1, rest.size()));
    ++line_number;
    const std::size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    double seconds = 0;
    const char* end = line.data() + line.size();
    const auto [stop, error] = std::from_chars(line.data() + first, end, seconds);
    const bool trailing_blank =
        std::string_view(stop, static_cast<std::size_t>(end - stop)).find_first_not_of(" \t\r") ==
        std::string_view::npos;
    if (error != std::errc{} || !trailing_blank || !(seconds >= 0) ||
        seconds > static_cast<double>(limits::duration_seconds_max)) {
      diagnostics.add(path.string() + ":" + std::to_string(line_number),
                      "not a number of seconds >= 0: '" + std::string(line) + "'");
      return std::nullopt;
    }
    times.emplace_back(static_cast<std::int64_t>(std::llround(seconds * 1e9)));
  }
  if (times.size() > limits::arrival_times_max) {
    diagnostics.add(source, "arrival file has too many lines");
    return std::nullopt;
  }
  return times;
}

}  // namespace swarmlab::scenarios
