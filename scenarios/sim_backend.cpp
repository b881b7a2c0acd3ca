// The simulated backend: a sim::World configured from the scenario's network (core latency model
// and access links), with its virtual clock, its trace hash and every fault.
#include "scenarios/spec.hpp"
#include "scenarios/world_backend.hpp"
#include "sim/world.hpp"

#include <vector>

namespace swarmlab::scenarios {

namespace {

sim::LinkConfig to_link_config(const HostLink& link) {
  sim::LinkConfig config;
  config.upload_bytes_per_second = link.upload_bytes_per_second;
  config.download_bytes_per_second = link.download_bytes_per_second;
  config.latency = link.latency;
  return config;
}

std::vector<sim::HostId> to_ids(std::span<const std::size_t> hosts) {
  std::vector<sim::HostId> ids;
  ids.reserve(hosts.size());
  for (const std::size_t host : hosts)
    ids.push_back(static_cast<sim::HostId>(host));
  return ids;
}

class SimBackend final : public WorldBackend {
 public:
  explicit SimBackend(const ScenarioSpec& spec) {
    sim::WorldConfig config;
    config.seed = spec.seed;
    if (spec.network.latency_model == LatencyModel::fixed) {
      config.core.model = sim::CoreLatency::Model::fixed;
      config.core.fixed = spec.network.core_latency;
    } else {
      config.core.model = sim::CoreLatency::Model::pair_uniform;
      config.core.pair_min = spec.network.core_latency_min;
      config.core.pair_max = spec.network.core_latency_max;
    }
    config.link_turn = spec.network.link_turn;
    if (spec.network.send_buffer_bytes) {
      config.stream.send_buffer_bytes = *spec.network.send_buffer_bytes;
    }
    if (spec.network.receive_window_bytes) {
      config.stream.receive_window_bytes = *spec.network.receive_window_bytes;
    }
    world_ = std::make_unique<sim::World>(config);
  }

  record::Backend kind() const override { return record::Backend::sim; }
  net::Host& add_host(const HostLink& link) override {
    sim::HostConfig config;
    config.link = to_link_config(link);
    return world_->add_host(config);
  }
  net::Host& host(std::size_t index) override {
    return world_->host(static_cast<sim::HostId>(index));
  }

  net::TimePoint start_time() const override { return net::time_zero; }
  net::TimePoint now() const override { return world_->now(); }
  void at(net::TimePoint time, std::function<void()> action) override {
    world_->at(time, std::move(action));
  }
  void run_until(net::TimePoint limit) override { world_->run_until(limit); }
  void stop() override { world_->stop(); }
  std::uint64_t events() const override { return world_->counters().events_fired; }
  std::optional<std::uint64_t> trace_hash() const override { return world_->trace_hash(); }

  std::uint16_t listen_port(std::uint16_t fixed) const override { return fixed; }
  bool crash_closes_sockets() const override { return true; }

  void crash(std::size_t host) override { world_->crash(static_cast<sim::HostId>(host)); }
  void restart(std::size_t host) override { world_->restart(static_cast<sim::HostId>(host)); }
  void partition(std::span<const std::size_t> side_a, std::span<const std::size_t> side_b,
                 bool one_way) override {
    world_->partition(to_ids(side_a), to_ids(side_b),
                      one_way ? sim::PartitionMode::one_way : sim::PartitionMode::symmetric);
  }
  void heal_all() override { world_->heal_all(); }
  void set_link(std::size_t host, const HostLink& link) override {
    world_->set_link(static_cast<sim::HostId>(host), to_link_config(link));
  }

  // The world's teardown unwinds every task while the actors still exist.
  void end_tasks() override { world_.reset(); }

 private:
  std::unique_ptr<sim::World> world_;
};

}  // namespace

std::unique_ptr<WorldBackend> make_sim_backend(const ScenarioSpec& spec) {
  return std::make_unique<SimBackend>(spec);
}

}  // namespace swarmlab::scenarios
