// The real TrackerWorld: RealHosts on 127.1.x.y sharing one io_context.
#include "net/real_host.hpp"
#include "tests/tracker/tracker_world.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address_v4.hpp>

#include <algorithm>
#include <cassert>
#include <chrono>
#include <stdexcept>
#include <vector>

namespace swarmlab::tracker::test {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr std::size_t host_count_max = 60'000;
constexpr auto teardown_duration_max = 5s;
constexpr auto run_slice = 5ms;

class RealTrackerWorld final : public TrackerWorld {
 public:
  ~RealTrackerWorld() override { cancel_all(); }

  void cancel_all() override {
    for (auto& host : hosts_)
      host->cancel_tasks();
    run_until(
        [this] {
          return std::all_of(hosts_.begin(), hosts_.end(),
                             [](const auto& host) { return host->task_count() == 0; });
        },
        teardown_duration_max);
  }

  net::Host& add_host() override {
    assert(hosts_.size() < host_count_max);
    const auto index = static_cast<std::uint32_t>(hosts_.size()) + 1;
    const asio::ip::address_v4 address(
        asio::ip::address_v4::bytes_type{127, 1, static_cast<unsigned char>(index / 250),
                                         static_cast<unsigned char>(1 + index % 250)});
    hosts_.push_back(std::make_unique<net::RealHost>(
        io_context_, net::RealHostOptions{.addresses = {address}, .seed = index}));
    return *hosts_.back();
  }

  bool run_until(const std::function<bool()>& done, net::Duration limit) override {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io_context_.restart();
      io_context_.run_for(run_slice);
    }
    return done();
  }

  void run_for(net::Duration duration) override {
    run_until([] { return false; }, duration);
  }

  net::TimePoint now() const override {
    return net::TimePoint(std::chrono::duration_cast<net::Duration>(
        std::chrono::steady_clock::now().time_since_epoch()));
  }

  std::string name() const override { return "real"; }

 private:
  asio::io_context io_context_{1};
  std::vector<std::unique_ptr<net::RealHost>> hosts_;
};

}  // namespace

std::unique_ptr<TrackerWorld> make_real_tracker_world() {
  return std::make_unique<RealTrackerWorld>();
}

std::unique_ptr<TrackerWorld> make_tracker_world(const std::string& backend) {
  if (backend == "real") return make_real_tracker_world();
  throw std::invalid_argument("no tracker world backend named " + backend);
}

}  // namespace swarmlab::tracker::test
