#include "scenarios/real_backend.hpp"

#include "net/real_host.hpp"
#include "scenarios/spec.hpp"

#include <fmt/core.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <cassert>
#include <chrono>
#include <map>
#include <stdexcept>
#include <thread>
#include <vector>

namespace swarmlab::scenarios {

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// Host i gets 127.100.(i / 250).(1 + i % 250): away from 127.0.0.1 and the addresses tests use.
constexpr unsigned char address_second_octet = 100;
constexpr std::size_t hosts_per_third_octet = 250;
// The engine's actions run at most this late: the run loop wakes up at least this often.
constexpr net::Duration run_slice = 20ms;
constexpr net::Duration run_slice_min = 1ms;
// Cancelled tasks unwind within this at the end of a run (they only close sockets).
constexpr auto teardown_duration_max = 10s;

net::TimePoint steady_now() {
  return net::TimePoint(std::chrono::duration_cast<net::Duration>(
      std::chrono::steady_clock::now().time_since_epoch()));
}

std::chrono::steady_clock::time_point to_steady(net::TimePoint time) {
  return std::chrono::steady_clock::time_point(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(time.time_since_epoch()));
}

net::Address host_address(std::size_t index) {
  assert(index < real_hosts_max);
  return asio::ip::address_v4(asio::ip::address_v4::bytes_type{
      127, address_second_octet, static_cast<unsigned char>(index / hosts_per_third_octet),
      static_cast<unsigned char>(1 + index % hosts_per_third_octet)});
}

// A distinct generator seed per host, derived from the run seed.
std::uint64_t host_seed(std::uint64_t run_seed, std::size_t index) {
  return run_seed ^ ((index + 1) * 0x9e37'79b9'7f4a'7c15ULL);
}

class RealBackend final : public WorldBackend {
 public:
  explicit RealBackend(const ScenarioSpec& spec) : seed_(spec.seed), start_(steady_now()) {}

  ~RealBackend() override {
    // Hosts before the context their sockets belong to.
    hosts_.clear();
  }

  record::Backend kind() const override { return record::Backend::real; }

  net::Host& add_host(const HostLink& link) override {
    const std::size_t index = hosts_.size();
    if (index >= real_hosts_max) throw std::length_error("real backend: too many hosts");
    hosts_.push_back(std::make_unique<net::RealHost>(
        io_context_,
        net::RealHostOptions{.addresses = {host_address(index)},
                             .seed = host_seed(seed_, index),
                             .upload_rate_bytes_per_second = link.upload_bytes_per_second,
                             .download_rate_bytes_per_second = link.download_bytes_per_second}));
    return *hosts_.back();
  }
  net::Host& host(std::size_t index) override { return *hosts_.at(index); }

  net::TimePoint start_time() const override { return start_; }
  net::TimePoint now() const override { return steady_now(); }

  void at(net::TimePoint time, std::function<void()> action) override {
    // A multimap keeps actions with equal times in the order they were inserted.
    actions_.emplace(time, std::move(action));
  }

  void run_until(net::TimePoint limit) override {
    stopped_ = false;
    while (!stopped_) {
      post_due_actions();
      net::TimePoint wake = std::min(limit, now() + run_slice);
      if (!actions_.empty()) wake = std::min(wake, actions_.begin()->first);
      // Never poll(): on a busy swarm there is always another ready handler, and poll() would
      // not return. run_until() checks the clock between handlers; a little time past the
      // wake-up lets the actions just posted run even when that moment has already passed.
      io_context_.restart();
      handlers_run_ += io_context_.run_until(to_steady(std::max(wake, now() + run_slice_min)));
      // Nothing left to wait on (no actor running): sleep rather than spin.
      if (!stopped_ && io_context_.stopped() && now() < wake)
        std::this_thread::sleep_until(to_steady(wake));
      if (now() >= limit) break;
    }
  }

  void stop() override {
    stopped_ = true;
    io_context_.stop();
  }
  std::uint64_t events() const override { return handlers_run_; }
  std::optional<std::uint64_t> trace_hash() const override { return std::nullopt; }

  std::uint16_t listen_port(std::uint16_t) const override { return 0; }
  bool crash_closes_sockets() const override { return false; }

  // Called from the run loop (an action): every task of the host gets terminal cancellation,
  // which closes the streams they own, as a process's death would.
  void crash(std::size_t host) override { hosts_.at(host)->cancel_tasks(); }
  // The host keeps its address and limits; the engine starts new actors on it.
  void restart(std::size_t) override {}
  void partition(std::span<const std::size_t>, std::span<const std::size_t>, bool) override {
    throw std::logic_error("real backend: partitions are rejected before the run");
  }
  void heal_all() override {}
  void set_link(std::size_t, const HostLink&) override {
    throw std::logic_error("real backend: set_link is rejected before the run");
  }

  void end_tasks() override {
    actions_.clear();
    // Cancel from inside the loop: a cancellation emitted from outside is posted, and could reach
    // a task that has ended meanwhile.
    asio::post(io_context_, [this] {
      for (auto& host : hosts_)
        host->cancel_tasks();
    });
    const auto deadline = std::chrono::steady_clock::now() + teardown_duration_max;
    do {
      io_context_.restart();
      io_context_.run_for(run_slice);
    } while (!all_tasks_ended() && std::chrono::steady_clock::now() < deadline);
    if (!all_tasks_ended()) throw std::runtime_error("real backend: tasks did not end on cancel");
  }

 private:
  void post_due_actions() {
    const net::TimePoint now = this->now();
    while (!actions_.empty() && actions_.begin()->first <= now) {
      asio::post(io_context_, std::move(actions_.begin()->second));
      actions_.erase(actions_.begin());
    }
  }

  bool all_tasks_ended() const {
    return std::all_of(hosts_.begin(), hosts_.end(),
                       [](const auto& host) { return host->task_count() == 0; });
  }

  std::uint64_t seed_;
  net::TimePoint start_;
  asio::io_context io_context_{1};
  std::vector<std::unique_ptr<net::RealHost>> hosts_;
  std::multimap<net::TimePoint, std::function<void()>> actions_;
  std::uint64_t handlers_run_ = 0;
  bool stopped_ = false;
};

bool has_latency(const ScenarioSpec& spec) {
  const NetworkSpec& network = spec.network;
  if (network.core_latency.count() > 0 || network.core_latency_max.count() > 0) return true;
  return std::any_of(network.classes.begin(), network.classes.end(),
                     [](const BandwidthClass& bandwidth) { return bandwidth.latency.count() > 0; });
}

}  // namespace

RealBackendReview review_for_real_backend(const ScenarioSpec& spec) {
  RealBackendReview review;
  std::size_t hosts = spec.trackers.size();
  for (const GroupSpec& group : spec.groups)
    hosts += group.count;
  if (hosts > real_hosts_max) {
    review.errors.push_back(
        fmt::format("{} hosts; the real backend runs at most {} (every connection costs two file "
                    "descriptors in one process)",
                    hosts, real_hosts_max));
  }
  for (std::size_t index = 0; index < spec.faults.size(); ++index) {
    const FaultAction action = spec.faults[index].action;
    if (action == FaultAction::partition) {
      review.errors.push_back(fmt::format(
          "faults.{}: 'partition' needs the simulated network (loopback cannot be cut)", index));
    } else if (action == FaultAction::set_link) {
      review.errors.push_back(fmt::format(
          "faults.{}: 'set_link' needs the simulated network (real rate limits are fixed when a "
          "host is made)",
          index));
    }
  }
  if (spec.network.send_buffer_bytes || spec.network.receive_window_bytes) {
    review.warnings.push_back(
        "network.send_buffer and network.receive_window are ignored: the kernel sizes real "
        "sockets' buffers");
  }
  if (has_latency(spec)) {
    review.warnings.push_back(
        "latencies (network.core_latency*, classes' latency_ms) are ignored: loopback adds none");
  }
  return review;
}

std::unique_ptr<WorldBackend> make_real_backend(const ScenarioSpec& spec) {
  assert(review_for_real_backend(spec).errors.empty());
  return std::make_unique<RealBackend>(spec);
}

}  // namespace swarmlab::scenarios
