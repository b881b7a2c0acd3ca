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

std::vector<std::size_t> Engine::hosts_of(std::span<const std::size_t> groups) const {
  std::vector<std::size_t> hosts;
  for (const PeerSlot& slot : slots_) {
    if (in_groups(groups, slot.group)) hosts.push_back(slot.actor);
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
  const std::vector<std::size_t> side_a = hosts_of(fault.groups);
  std::vector<std::size_t> side_b;
  if (!fault.other_groups.empty()) {
    side_b = hosts_of(fault.other_groups);
  } else {
    for (const TrackerSlot& tracker : trackers_)
      side_b.push_back(tracker.actor);
    for (const PeerSlot& slot : slots_) {
      if (!in_groups(fault.groups, slot.group)) side_b.push_back(slot.actor);
    }
  }
  std::erase_if(side_b, [&](std::size_t id) {
    return std::find(side_a.begin(), side_a.end(), id) != side_a.end();
  });
  world_->partition(side_a, side_b, fault.one_way);
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
    world_->crash(slot.actor);
    // Its tasks are cancelled; what they do not own (the peer's listener) is closed here.
    if (!world_->crash_closes_sockets()) slot.peer->stop();
    ++crashed;
  }
  note_fault(std::nullopt, fmt::format("crash: {} hosts", crashed));
}

void Engine::restart_group(const FaultSpec& fault) {
  std::size_t restarted = 0;
  for (PeerSlot& slot : slots_) {
    if (!in_groups(fault.groups, slot.group) || slot.state != PeerSlot::State::crashed) continue;
    world_->restart(slot.actor);
    start_peer(slot, slot.pieces_at_crash);
    ++restarted;
  }
  note_fault(std::nullopt, fmt::format("restart: {} hosts", restarted));
}

void Engine::set_link(const FaultSpec& fault) {
  const HostLink link = host_link(fault.class_index);
  for (PeerSlot& slot : slots_) {
    if (!in_groups(fault.groups, slot.group)) continue;
    slot.link = link;
    world_->set_link(slot.actor, link);
  }
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
  // A restart serves on the ports of the first start (the peers' announce URLs name them).
  config.http_port = slot.http_port != 0 ? slot.http_port : world_->listen_port(tracker_port);
  config.udp_port = slot.udp_port != 0 ? slot.udp_port : world_->listen_port(tracker_port);
  config.interval = spec.interval;
  config.min_interval = std::min(spec.min_interval, spec.interval);
  config.numwant_default = spec.numwant;
  config.numwant_max = std::max(spec.numwant, config.numwant_max);
  config.actor_id = slot.actor;
  auto server = tracker::TrackerServer::open(*slot.host, config, this);
  if (!server) throw std::runtime_error("tracker " + spec.name + ": " + server.error().message());
  slot.server = std::move(*server);
  slot.http_port = slot.server->endpoints().http.front().port;
  slot.udp_port = slot.server->endpoints().udp.front().port;
  slot.host->spawn(slot.server->run());
  slot.up = true;
}

void Engine::tracker_down(std::size_t index) {
  TrackerSlot& slot = trackers_.at(index);
  if (!slot.up) return;
  // On real sockets its server keeps its sockets until tracker_up: nothing answers on them, as
  // with a host that is down.
  world_->crash(slot.actor);
  slot.up = false;
  ++trackers_down_;
  note_fault(slot.actor, "tracker_down: " + spec_.trackers[index].name);
}

void Engine::tracker_up(std::size_t index) {
  TrackerSlot& slot = trackers_.at(index);
  if (slot.up) return;
  world_->restart(slot.actor);
  if (world_->crash_closes_sockets()) {
    retired_tracker_servers_.push_back(std::move(slot.server));
  } else {
    // Its ports are needed again: the old server goes, once its cancelled tasks have ended.
    if (slot.host->task_count() > 0) {
      throw std::runtime_error("tracker " + spec_.trackers[index].name +
                               ": tracker_up came before its tasks had ended after tracker_down");
    }
    slot.server.reset();
  }
  start_tracker(slot, index);
  --trackers_down_;
  note_fault(slot.actor, "tracker_up: " + spec_.trackers[index].name);
}

}  // namespace swarmlab::scenarios
