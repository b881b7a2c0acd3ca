// The engine's fault timeline: partitions, crashes and restarts, link changes, tracker outages and
// corrupt groups, each applied at its time and reported to the recorder.
#include "actors/peer/endpoint_conversion.hpp"
#include "scenarios/engine_world.hpp"

#include <fmt/core.h>

#include <cassert>
#include <stdexcept>

namespace swarmlab::scenarios {

namespace {

constexpr std::uint16_t tracker_port = 6969;

bool in_groups(std::span<const std::size_t> groups, std::size_t group) {
  return std::find(groups.begin(), groups.end(), group) != groups.end();
}

}  // namespace

void Engine::note_fault(std::optional<record::ActorId> host, const std::string& description) {
  if (recorder_) recorder_->on_fault(world_->now(), host, description);
}

std::vector<sim::HostId> Engine::hosts_of(std::span<const std::size_t> groups) const {
  std::vector<sim::HostId> hosts;
  for (const PeerSlot& slot : slots_) {
    if (in_groups(groups, slot.group)) hosts.push_back(slot.host->id());
  }
  return hosts;
}

void Engine::apply_fault(const FaultSpec& fault) {
  ++faults_applied_;
  fault_quiet_since_ = world_->now();
  switch (fault.action) {
    case FaultAction::partition:
      partition(fault);
      break;
    case FaultAction::heal:
      world_->heal_all();
      partitions_in_force_ = 0;
      note_fault(std::nullopt, "heal: every partition lifted");
      break;
    case FaultAction::crash:
      crash_group(fault);
      break;
    case FaultAction::restart:
      restart_group(fault);
      break;
    case FaultAction::set_link:
      set_link(fault);
      break;
    case FaultAction::tracker_down:
      tracker_down(fault.tracker_index);
      break;
    case FaultAction::tracker_up:
      tracker_up(fault.tracker_index);
      break;
    case FaultAction::corrupt:
      corrupt_group(fault);
      break;
  }
}

void Engine::partition(const FaultSpec& fault) {
  const std::vector<sim::HostId> side_a = hosts_of(fault.groups);
  std::vector<sim::HostId> side_b;
  if (!fault.other_groups.empty()) {
    side_b = hosts_of(fault.other_groups);
  } else {
    for (const TrackerSlot& tracker : trackers_)
      side_b.push_back(tracker.host->id());
    for (const PeerSlot& slot : slots_) {
      if (!in_groups(fault.groups, slot.group)) side_b.push_back(slot.host->id());
    }
  }
  std::erase_if(side_b, [&](sim::HostId id) {
    return std::find(side_a.begin(), side_a.end(), id) != side_a.end();
  });
  world_->partition(side_a, side_b,
                    fault.one_way ? sim::PartitionMode::one_way : sim::PartitionMode::symmetric);
  ++partitions_in_force_;
  note_fault(std::nullopt, fmt::format("partition: {} hosts cut from {} hosts{}", side_a.size(),
                                       side_b.size(), fault.one_way ? " (one way)" : ""));
}

void Engine::crash_group(const FaultSpec& fault) {
  std::size_t crashed = 0;
  for (PeerSlot& slot : slots_) {
    if (!in_groups(fault.groups, slot.group) || slot.state != PeerSlot::State::present) continue;
    const peer::Bitfield& have = slot.torrent->picker().have();
    slot.pieces_at_crash.assign(layout_->piece_count(), false);
    for (std::uint32_t piece = 0; piece < layout_->piece_count(); ++piece)
      slot.pieces_at_crash[piece] = have.test(peer::PieceIndex(piece));
    leave(slot, PeerSlot::State::crashed, "crashed");
    world_->crash(slot.host->id());
    ++crashed;
  }
  note_fault(std::nullopt, fmt::format("crash: {} hosts", crashed));
}

void Engine::restart_group(const FaultSpec& fault) {
  std::size_t restarted = 0;
  for (PeerSlot& slot : slots_) {
    if (!in_groups(fault.groups, slot.group) || slot.state != PeerSlot::State::crashed) continue;
    world_->restart(slot.host->id());
    start_peer(slot, slot.pieces_at_crash);
    ++restarted;
  }
  note_fault(std::nullopt, fmt::format("restart: {} hosts", restarted));
}

void Engine::set_link(const FaultSpec& fault) {
  const sim::HostConfig config = host_config(fault.class_index);
  for (const sim::HostId id : hosts_of(fault.groups))
    world_->set_link(id, config.link);
  note_fault(std::nullopt, fmt::format("set_link: groups now on class {}",
                                       spec_.network.classes.at(fault.class_index).name));
}

void Engine::corrupt_group(const FaultSpec& fault) {
  for (PeerSlot& slot : slots_) {
    if (!in_groups(fault.groups, slot.group) || slot.corrupt == fault.corrupt) continue;
    slot.corrupt = fault.corrupt;
    if (slot.state != PeerSlot::State::present) continue;
    slot.torrent->set_send_corrupt_blocks(fault.corrupt);
    const bool complete = slot.torrent->is_complete();
    if (fault.corrupt) {
      ++corrupt_hosts_;
      if (complete) --present_seeds_;
    } else {
      --corrupt_hosts_;
      if (complete && ++present_seeds_ == 1) seed_since_ = world_->now();
    }
  }
  note_fault(std::nullopt, fault.corrupt ? "corrupt: groups send corrupt blocks"
                                         : "corrupt: groups send true blocks again");
}

void Engine::start_tracker(TrackerSlot& slot, std::size_t index) {
  const TrackerSpec& spec = spec_.trackers.at(index);
  tracker::TrackerConfig config;
  config.http_port = tracker_port;
  config.udp_port = tracker_port;
  config.interval = spec.interval;
  config.min_interval = std::min(spec.min_interval, spec.interval);
  config.numwant_default = spec.numwant;
  config.numwant_max = std::max(spec.numwant, config.numwant_max);
  config.actor_id = slot.actor;
  auto server = tracker::TrackerServer::open(*slot.host, config, this);
  if (!server) throw std::runtime_error("tracker " + spec.name + ": " + server.error().message());
  slot.server = server->get();
  slot.host->spawn(slot.server->run());
  tracker_servers_.push_back(std::move(*server));
  slot.up = true;
}

void Engine::tracker_down(std::size_t index) {
  TrackerSlot& slot = trackers_.at(index);
  if (!slot.up) return;
  world_->crash(slot.host->id());
  slot.up = false;
  ++trackers_down_;
  note_fault(slot.actor, "tracker_down: " + spec_.trackers[index].name);
}

void Engine::tracker_up(std::size_t index) {
  TrackerSlot& slot = trackers_.at(index);
  if (slot.up) return;
  world_->restart(slot.host->id());
  start_tracker(slot, index);
  --trackers_down_;
  note_fault(slot.actor, "tracker_up: " + spec_.trackers[index].name);
}

}  // namespace swarmlab::scenarios
