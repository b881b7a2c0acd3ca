#include "scenarios/engine.hpp"

#include "actors/peer/endpoint_conversion.hpp"
#include "scenarios/engine_world.hpp"
#include "scenarios/real_backend.hpp"
#include "scenarios/rows_hash.hpp"
#include "scenarios/schedule.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cassert>

namespace swarmlab::scenarios {

namespace storage = peer::storage;
using namespace std::chrono_literals;

namespace {

constexpr std::uint16_t peer_listen_port = 6881;
// The run loop advances the world this much at a time, then checks stop conditions.
constexpr net::Duration step_duration = 1s;
constexpr net::Duration liveness_check_period = 10s;
constexpr net::Duration liveness_deadline_min = 600s;
// Without a time limit, a run that neither completes nor trips an invariant stops this many
// liveness deadlines after its last scheduled arrival or fault.
constexpr int unbounded_run_deadlines_max = 10;

// Rng streams of the engine's own draws, apart from every host's.
constexpr std::uint64_t stream_arrivals = 0x5c'0001'0000;
constexpr std::uint64_t stream_classes = 0x5c'0002'0000;
constexpr std::uint64_t stream_content = 0x5c'0003'0000;
constexpr std::uint64_t stream_engine = 0x5c'0004'0000;

std::uint64_t min_positive(std::uint64_t a, std::uint64_t b) {
  if (a == 0) return b;
  if (b == 0) return a;
  return std::min(a, b);
}

storage::StorageLayout make_layout(const ScenarioSpec& spec) {
  const TorrentSpec& torrent = spec.torrent;
  const std::string name = spec.name.empty() ? std::string("scenario") : spec.name;
  if (torrent.file_count <= 1) {
    return storage::make_single_file_layout(name + ".bin", torrent.piece_length_bytes,
                                            torrent.total_size_bytes);
  }
  std::vector<storage::FileSpec> files;
  const std::uint64_t each = torrent.total_size_bytes / torrent.file_count;
  for (std::uint32_t index = 0; index < torrent.file_count; ++index) {
    const std::uint64_t length = index + 1 == torrent.file_count
                                     ? torrent.total_size_bytes - each * (torrent.file_count - 1)
                                     : each;
    files.push_back({.path = {fmt::format("file-{:05}.bin", index)}, .length_bytes = length});
  }
  return storage::make_multi_file_layout(name, torrent.piece_length_bytes, files);
}

}  // namespace

net::Duration liveness_deadline(const ScenarioSpec& spec) {
  if (spec.stop.liveness_deadline) return *spec.stop.liveness_deadline;
  // Twenty times the download of the whole torrent at the slowest rate in the scenario.
  std::uint64_t slowest = 0;
  for (const BandwidthClass& bandwidth : spec.network.classes) {
    slowest = min_positive(slowest, bandwidth.download_bytes_per_second);
    slowest = min_positive(slowest, bandwidth.upload_bytes_per_second);
  }
  if (slowest == 0) return liveness_deadline_min;
  const double seconds =
      20.0 * static_cast<double>(spec.torrent.total_size_bytes) / static_cast<double>(slowest);
  return std::max(liveness_deadline_min, net::Duration(static_cast<std::int64_t>(seconds * 1e9)));
}

Engine::Engine(const LoadedScenario& scenario, const RunOptions& options)
    : scenario_(scenario),
      spec_(scenario.spec),
      options_(options),
      payload_(storage::Payload::from_seed(scenario.spec.seed, 0)),
      engine_rng_(scenario.spec.seed, stream_engine) {
  build_layout();
  liveness_deadline_ = liveness_deadline(spec_);
  world_ = options_.backend == record::Backend::real ? make_real_backend(spec_)
                                                     : make_sim_backend(spec_);
  start_ = world_->start_time();
  seed_since_ = fault_quiet_since_ = next_progress_ = next_liveness_check_ = start_;
  checker_ = std::make_unique<InvariantChecker>(
      layout_->piece_count(),
      [this](const protocol::PeerAddress& address) { return resolve(address); },
      [this] { world_->stop(); }, start_);
  build_hosts();
  if (options_.database_path) begin_recording();
  schedule();
}

Engine::~Engine() {
  // Every task ends while the actors it uses still exist; then the actors go (tracker clients
  // before the peers whose torrents they use), then the hosts.
  world_->end_tasks();
  tracker_clients_.clear();
  peers_.clear();
  trackers_.clear();
  retired_tracker_servers_.clear();
  world_.reset();
}

void Engine::build_layout() {
  storage::StorageLayout layout = make_layout(spec_);
  layout.piece_hashes = storage::content_piece_hashes(layout, payload_);
  layout_ = std::make_shared<const storage::StorageLayout>(std::move(layout));
  info_hash_ = protocol::sha1(fmt::format("swarmlab scenario {} {}", spec_.name, spec_.seed));
}

HostLink Engine::host_link(std::optional<std::size_t> bandwidth_class) const {
  if (!bandwidth_class) return {};
  const BandwidthClass& bandwidth = spec_.network.classes.at(*bandwidth_class);
  return {.upload_bytes_per_second = bandwidth.upload_bytes_per_second,
          .download_bytes_per_second = bandwidth.download_bytes_per_second,
          .latency = bandwidth.latency};
}

void Engine::build_hosts() {
  for (std::size_t index = 0; index < spec_.trackers.size(); ++index) {
    net::Host& host = world_->add_host(host_link(spec_.trackers[index].class_index));
    trackers_.push_back({.host = &host, .actor = static_cast<record::ActorId>(index)});
    actors_by_address_[peer::to_peer_address({host.addresses().front(), 0})] =
        trackers_.back().actor;
    start_tracker(trackers_.back(), index);
  }
  for (std::size_t group_index = 0; group_index < spec_.groups.size(); ++group_index) {
    const GroupSpec& group = spec_.groups[group_index];
    net::Rng arrival_rng(spec_.seed, stream_arrivals + group_index);
    net::Rng class_rng(spec_.seed, stream_classes + group_index);
    const std::vector<net::Duration> arrivals = arrival_times(group, arrival_rng);
    const auto classes = class_assignment(group, class_rng);
    for (std::uint32_t member = 0; member < group.count; ++member) {
      PeerSlot slot;
      slot.group = group_index;
      slot.bandwidth_class = classes[member];
      slot.link = host_link(slot.bandwidth_class);
      net::Host& host = world_->add_host(slot.link);
      slot.host = &host;
      slot.actor = static_cast<record::ActorId>(trackers_.size() + slots_.size());
      slot.arrival = arrivals[member];
      net::Rng content_rng(spec_.seed, stream_content + slots_.size());
      slot.initial_pieces = initial_pieces(group.content, layout_->piece_count(), content_rng);
      slot.starts_complete = std::all_of(slot.initial_pieces.begin(), slot.initial_pieces.end(),
                                         [](bool held) { return held; });
      slot.corrupt = group.corrupt;
      if (!slot.starts_complete) ++leechers_total_;
      actors_by_address_[peer::to_peer_address({host.addresses().front(), 0})] = slot.actor;
      slots_.push_back(std::move(slot));
    }
  }
}

std::optional<record::ActorId> Engine::resolve(const protocol::PeerAddress& address) const {
  protocol::PeerAddress key = address;
  key.port = 0;
  const auto found = actors_by_address_.find(key);
  if (found == actors_by_address_.end()) return std::nullopt;
  return found->second;
}

record::HostInfo Engine::host_info(const PeerSlot& slot) const {
  record::HostInfo info;
  info.id = slot.actor;
  info.role = slot.starts_complete ? record::HostRole::seed : record::HostRole::leecher;
  info.group = spec_.groups[slot.group].name;
  if (slot.bandwidth_class) {
    const BandwidthClass& bandwidth = spec_.network.classes[*slot.bandwidth_class];
    info.bandwidth_class = bandwidth.name;
    info.upload_bytes_per_second = bandwidth.upload_bytes_per_second;
    info.download_bytes_per_second = bandwidth.download_bytes_per_second;
    if (*info.upload_bytes_per_second == 0) info.upload_bytes_per_second.reset();
    if (*info.download_bytes_per_second == 0) info.download_bytes_per_second.reset();
  }
  info.addresses.push_back(peer::to_peer_address(
      {slot.host->addresses().front(), world_->listen_port(peer_listen_port)}));
  return info;
}

void Engine::begin_recording() {
  record::RecorderOptions recording;
  recording.detail = options_.detail;
  recorder_.emplace(*options_.database_path, recording);
  recorder_->begin_run({.scenario_name = spec_.name,
                        .scenario_text = scenario_.text,
                        .seed = spec_.seed,
                        .parameters_json = scenario_.parameters_json,
                        .backend = world_->kind(),
                        .piece_count = layout_->piece_count(),
                        .piece_length_bytes = layout_->piece_length_bytes,
                        .total_size_bytes = layout_->total_size_bytes,
                        .sample_interval = spec_.sample_interval,
                        .start_time = start_});
  for (std::size_t index = 0; index < trackers_.size(); ++index) {
    const TrackerSlot& tracker = trackers_[index];
    record::HostInfo info;
    info.id = tracker.actor;
    info.role = record::HostRole::tracker;
    info.group = "tracker:" + spec_.trackers[index].name;
    info.addresses = {
        peer::to_peer_address({tracker.host->addresses().front(),
                               spec_.trackers[index].udp ? tracker.udp_port : tracker.http_port})};
    recorder_->add_host(info);
  }
  for (const PeerSlot& slot : slots_)
    recorder_->add_host(host_info(slot));
  sampler_.emplace(*recorder_, spec_.sample_interval, start_);
}

void Engine::schedule() {
  for (std::size_t index = 0; index < slots_.size(); ++index)
    world_->at(start_ + slots_[index].arrival, [this, index] { join(index); });
  for (const FaultSpec& fault : spec_.faults)
    world_->at(start_ + fault.at, [this, &fault] { apply_fault(fault); });
}

bool Engine::stop_condition_met() const {
  if (!spec_.stop.all_complete) return false;
  return arrived_ == slots_.size() && present_incomplete_ == 0 &&
         faults_applied_ == spec_.faults.size();
}

void Engine::take_samples(net::TimePoint now) {
  if (!sampler_) return;
  sampler_->take(now, [this](std::vector<record::HostSample>& rows) {
    for (const PeerSlot& slot : slots_) {
      if (slot.state != PeerSlot::State::present) continue;
      rows.push_back(sample_of(slot));
    }
  });
}

record::HostSample Engine::sample_of(const PeerSlot& slot) const {
  const peer::TransferCounters& counters = slot.torrent->counters();
  record::HostSample sample;
  sample.host = slot.actor;
  sample.uploaded_bytes = slot.uploaded_before_bytes + counters.payload_uploaded_bytes;
  sample.downloaded_bytes = slot.downloaded_before_bytes + counters.payload_downloaded_bytes;
  sample.connections = static_cast<std::uint32_t>(slot.torrent->connection_count());
  sample.unchoked_peers = static_cast<std::uint32_t>(slot.torrent->unchoked_count());
  sample.pieces_have = static_cast<std::uint32_t>(slot.torrent->picker().have().count().value());
  return sample;
}

void Engine::report_progress() {
  if (!options_.progress) return;
  Progress progress{.now = elapsed(world_->now()),
                    .peers_total = slots_.size(),
                    .peers_arrived = arrived_,
                    .leechers_present = present_incomplete_,
                    .leechers_completed = leechers_completed_,
                    .leechers_total = leechers_total_,
                    .events = world_->events()};
  options_.progress(progress);
}

// Advances the world by one step; returns false when the run must end.
bool Engine::step(net::TimePoint limit) {
  net::TimePoint next = std::min(limit, world_->now() + step_duration);
  // A step ends on every sampling tick, so that a tick is taken at its time, not at the end of
  // the step it falls in (intervals that are not whole seconds).
  if (sampler_) next = std::min(next, sampler_->next_due());
  world_->run_until(next);
  const net::TimePoint now = world_->now();
  if (sampler_ && sampler_->due(now)) take_samples(now);
  if (now >= next_liveness_check_) {
    check_liveness(now);
    next_liveness_check_ = now + liveness_check_period;
  }
  if (now >= next_progress_) {
    report_progress();
    next_progress_ = now + options_.progress_interval;
  }
  if (options_.stop_requested && options_.stop_requested()) {
    interrupted_ = true;
    return false;
  }
  return !checker_->violation() && !stop_condition_met() && now < limit;
}

net::Duration Engine::run_duration() const {
  net::Duration duration{0};
  if (spec_.stop.time_limit) {
    duration = *spec_.stop.time_limit;
  } else {
    for (const PeerSlot& slot : slots_)
      duration = std::max(duration, slot.arrival);
    for (const FaultSpec& fault : spec_.faults)
      duration = std::max(duration, fault.at);
    duration += unbounded_run_deadlines_max * liveness_deadline_;
  }
  if (world_->kind() == record::Backend::real)
    duration = std::min(duration, options_.real_duration_max);
  return duration;
}

RunResult Engine::run() {
  const net::Duration duration = run_duration();
  const net::TimePoint limit = start_ + duration;
  // Every tick shows the swarm after the events of its instant; so does the first, which must
  // wait for the peers that join at the start.
  world_->run_until(start_);
  if (sampler_) take_samples(world_->now());
  while (step(limit)) {
  }
  if (interrupted_) return finish(record::Outcome::interrupted, "stopped before its end");
  if (!checker_->violation()) check_true_content();
  if (checker_->violation()) return finish(record::Outcome::failed, *checker_->violation());
  if (stop_condition_met()) return finish(record::Outcome::completed, "every leecher completed");
  if (spec_.stop.time_limit && duration == *spec_.stop.time_limit)
    return finish(record::Outcome::time_limit, "the time limit was reached");
  if (world_->kind() == record::Backend::real && duration == options_.real_duration_max) {
    return finish(record::Outcome::time_limit,
                  fmt::format("the real run's wall-clock bound ({:.0f} s) was reached",
                              net::to_seconds(duration)));
  }
  return finish(record::Outcome::time_limit, "no completion within the run bound");
}

RunResult Engine::finish(record::Outcome outcome, std::string detail) {
  RunResult result;
  result.outcome = outcome;
  result.detail = std::move(detail);
  result.backend = world_->kind();
  result.trace_hash = world_->trace_hash();
  if (result.trace_hash) result.trace_hash_hex = fmt::format("{:016x}", *result.trace_hash);
  result.end_time = elapsed(world_->now());
  result.events = world_->events();
  result.peers_total = slots_.size();
  result.leechers_total = leechers_total_;
  result.leechers_completed = leechers_completed_;
  result.hash_failures = hash_failures_;
  result.bans = bans_;
  for (const PeerSlot& slot : slots_) {
    result.payload_uploaded_bytes += slot.uploaded_before_bytes;
    result.payload_downloaded_bytes += slot.downloaded_before_bytes;
    if (slot.state == PeerSlot::State::present) {
      result.payload_uploaded_bytes += slot.torrent->counters().payload_uploaded_bytes;
      result.payload_downloaded_bytes += slot.torrent->counters().payload_downloaded_bytes;
    }
    if (slot.starts_complete || !slot.completed_at) continue;
    result.download_times_seconds.push_back(
        std::chrono::duration<double>(*slot.completed_at - (start_ + slot.arrival)).count());
  }
  if (recorder_) {
    take_samples(world_->now());
    result.run_id = recorder_->run_id();
    recorder_->finish_run(world_->now(), result.trace_hash_hex, outcome, result.detail);
    result.rows_hash = read_rows_hash(recorder_->path(), *result.run_id);
    // On real sockets the actors still report while their tasks unwind; the run's rows are done.
    sampler_.reset();
    recorder_.reset();
  }
  return result;
}

RunResult run_scenario(const LoadedScenario& scenario, const RunOptions& options) {
  Engine engine(scenario, options);
  return engine.run();
}

}  // namespace swarmlab::scenarios
