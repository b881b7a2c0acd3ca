// The engine's state while a scenario runs (private to scenarios/): the world backend (simulated
// or real sockets, world_backend.hpp), its trackers and peer slots, the schedule, the invariant
// checker and the recorder. It is also the Observer the
// actors report to: it forwards every report to the checker and the recorder and keeps the
// counts the run loop needs (completions, hash failures, bans).
#pragma once

#include "actors/peer/peer.hpp"
#include "actors/peer/storage/payload.hpp"
#include "actors/peer/tracker_client.hpp"
#include "actors/tracker/tracker.hpp"
#include "net/rng.hpp"
#include "record/recorder.hpp"
#include "record/sampler.hpp"
#include "scenarios/discovery.hpp"
#include "scenarios/engine.hpp"
#include "scenarios/invariants.hpp"
#include "scenarios/world_backend.hpp"

#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace swarmlab::scenarios {

struct PeerSlot {
  enum class State : std::uint8_t { waiting, present, departed, crashed };

  std::size_t group = 0;
  std::optional<std::size_t> bandwidth_class{};
  // The access link now (set_link changes it).
  HostLink link{};
  net::Host* host = nullptr;
  // The host's index in the backend, which is also its id in reports.
  record::ActorId actor = 0;
  net::Duration arrival{0};
  std::vector<bool> initial_pieces{};
  bool starts_complete = false;
  bool corrupt = false;
  State state = State::waiting;
  // The current incarnation's peer (a restart makes a new one); owned by Engine::peers_.
  peer::Peer* peer = nullptr;
  peer::Torrent* torrent = nullptr;
  // Announces to the scenario's trackers (null when the scenario has none); owned by the Engine.
  peer::TrackerClient* tracker_client = nullptr;
  std::optional<net::TimePoint> joined_at{};
  std::optional<net::TimePoint> completed_at{};
  // Pieces verified when the host crashed, to come back with.
  std::vector<bool> pieces_at_crash{};
  // Bumped by every join, so that a departure scheduled for an earlier incarnation is ignored.
  std::uint32_t incarnation = 0;
  // Payload counters of earlier incarnations, so samples stay cumulative.
  std::uint64_t uploaded_before_bytes = 0;
  std::uint64_t downloaded_before_bytes = 0;
};

struct TrackerSlot {
  net::Host* host = nullptr;
  record::ActorId actor = 0;
  std::unique_ptr<tracker::TrackerServer> server{};
  // The ports it serves on: fixed in the simulator, picked by the system on real sockets at its
  // first start and kept across restarts (the peers' announce URLs name them).
  std::uint16_t http_port = 0;
  std::uint16_t udp_port = 0;
  bool up = true;
};

class Engine final : public record::Observer {
 public:
  Engine(const LoadedScenario& scenario, const RunOptions& options);
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  ~Engine() override;

  RunResult run();

  // ---- Observer: forwarded to the checker and the recorder.
  void on_connected(record::TimePoint, record::ActorId, const record::PeerAddress&,
                    record::Direction) override;
  void on_disconnected(record::TimePoint, record::ActorId, const record::PeerAddress&,
                       std::string_view) override;
  void on_choke(record::TimePoint, record::ActorId, const record::PeerAddress&, record::Side,
                bool) override;
  void on_interest(record::TimePoint, record::ActorId, const record::PeerAddress&, record::Side,
                   bool) override;
  void on_request(record::TimePoint, record::ActorId, const record::PeerAddress&, record::Side,
                  const record::BlockRef&) override;
  void on_block(record::TimePoint, record::ActorId, const record::PeerAddress&, record::Side,
                const record::BlockRef&) override;
  void on_piece_verified(record::TimePoint, record::ActorId, std::uint32_t) override;
  void on_hash_failed(record::TimePoint, record::ActorId, std::uint32_t,
                      std::span<const record::PeerAddress>) override;
  void on_have_sent(record::TimePoint, record::ActorId, const record::PeerAddress&,
                    std::uint32_t) override;
  void on_banned(record::TimePoint, record::ActorId, const record::PeerAddress&,
                 std::string_view) override;
  void on_completed(record::TimePoint, record::ActorId) override;
  void on_announce(record::TimePoint, record::ActorId, std::string_view, record::AnnounceEvent,
                   bool, std::size_t) override;
  void on_tracker_request(record::TimePoint, record::ActorId, record::TrackerRequest,
                          const record::PeerAddress&, const protocol::InfoHash&,
                          record::AnnounceEvent) override;

 private:
  // engine.cpp: building and the run loop.
  // Time since the start of the run, as a time point (what reports and progress show).
  net::TimePoint elapsed(net::TimePoint time) const { return net::time_zero + (time - start_); }
  void build_layout();
  void build_hosts();
  HostLink host_link(std::optional<std::size_t> bandwidth_class) const;
  void begin_recording();
  record::HostInfo host_info(const PeerSlot& slot) const;
  void schedule();
  // How long the run may last: the time limit, or a bound derived from the schedule; on real
  // sockets at most RunOptions::real_duration_max.
  net::Duration run_duration() const;
  bool step(net::TimePoint limit);
  bool stop_condition_met() const;
  void report_progress();
  RunResult finish(record::Outcome outcome, std::string detail);
  void take_samples(net::TimePoint now);
  record::HostSample sample_of(const PeerSlot& slot) const;
  std::optional<record::ActorId> resolve(const protocol::PeerAddress& address) const;

  // engine_peers.cpp: arrivals, completions, departures, liveness.
  void join(std::size_t index);
  void start_peer(PeerSlot& slot, const std::vector<bool>& pieces);
  // The peer's way to others: its tracker client, or (no trackers) the direct discovery seam.
  void discover(PeerSlot& slot, std::size_t index, bool complete);
  peer::TrackerClient::Tiers tracker_tiers() const;
  void completed(std::size_t index, net::TimePoint time);
  void schedule_departure(std::size_t index, net::Duration after);
  void depart(std::size_t index, std::uint32_t incarnation);
  void leave(PeerSlot& slot, PeerSlot::State state, std::string_view reason);
  void check_liveness(net::TimePoint now);
  std::size_t slot_of(record::ActorId actor) const;
  void check_true_content();

  // engine_faults.cpp: the fault timeline.
  void apply_fault(const FaultSpec& fault);
  std::vector<std::size_t> hosts_of(std::span<const std::size_t> groups) const;
  void partition(const FaultSpec& fault);
  void crash_group(const FaultSpec& fault);
  void restart_group(const FaultSpec& fault);
  void set_link(const FaultSpec& fault);
  void tracker_down(std::size_t index);
  void tracker_up(std::size_t index);
  void corrupt_group(const FaultSpec& fault);
  void start_tracker(TrackerSlot& slot, std::size_t index);
  void note_fault(std::optional<record::ActorId> host, const std::string& description);

  const LoadedScenario& scenario_;
  const ScenarioSpec& spec_;
  RunOptions options_;
  std::shared_ptr<const peer::storage::StorageLayout> layout_;
  peer::storage::Payload payload_;
  protocol::InfoHash info_hash_{};
  net::Duration liveness_deadline_{0};
  std::optional<record::Recorder> recorder_;
  std::optional<record::Sampler> sampler_;
  std::unique_ptr<InvariantChecker> checker_;
  // Actors must outlive the world's tasks: ~Engine ends the tasks first, then destroys the actors
  // (tracker clients before the peers whose torrents they use), then the backend.
  std::unique_ptr<WorldBackend> world_;
  net::TimePoint start_{};
  std::vector<std::unique_ptr<peer::Peer>> peers_;
  std::vector<std::unique_ptr<peer::TrackerClient>> tracker_clients_;
  std::vector<TrackerSlot> trackers_;
  // Servers of trackers that went down in a backend whose crash closes their sockets: kept, as
  // their host's (ended) tasks may still name them.
  std::vector<std::unique_ptr<tracker::TrackerServer>> retired_tracker_servers_;
  std::vector<PeerSlot> slots_;
  // Host id (actor) of each address, for resolving remote ends (lookups only).
  std::map<protocol::PeerAddress, record::ActorId> actors_by_address_;
  DirectDiscovery discovery_;
  net::Rng engine_rng_;

  std::size_t arrived_ = 0;
  std::size_t leechers_total_ = 0;
  std::size_t leechers_completed_ = 0;
  std::size_t present_incomplete_ = 0;
  std::size_t faults_applied_ = 0;
  std::size_t partitions_in_force_ = 0;
  std::size_t trackers_down_ = 0;
  std::size_t corrupt_hosts_ = 0;
  // Present peers with every piece that upload honestly, and since when there has been one.
  std::size_t present_seeds_ = 0;
  net::TimePoint seed_since_ = net::time_zero;
  // When the last fault took effect or ended (liveness counts from here).
  net::TimePoint fault_quiet_since_ = net::time_zero;
  std::uint64_t hash_failures_ = 0;
  std::uint64_t bans_ = 0;
  net::TimePoint next_progress_ = net::time_zero;
  net::TimePoint next_liveness_check_ = net::time_zero;
  // RunOptions::stop_requested said so: the run ends as `interrupted`.
  bool interrupted_ = false;
};

}  // namespace swarmlab::scenarios
