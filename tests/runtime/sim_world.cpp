// The "sim" TestWorld: simulated hosts in one sim::World, with 5 ms access latency (a 20 ms round
// trip) and 10 MB/s links, so the suites exercise latency and link sharing as well.
#include "sim/world.hpp"
#include "tests/runtime/test_world.hpp"

#include <boost/asio/ip/address_v4.hpp>

namespace swarmlab::runtime_test {

namespace {

using namespace std::chrono_literals;

constexpr std::uint64_t suite_seed = 7;
constexpr std::uint64_t link_bytes_per_second = 10'000'000;
constexpr net::Duration access_latency = 5ms;
// No host of these small worlds owns this address (only the 16,646,143rd host would), so a SYN sent
// there is lost and the connect times out after StreamConfig::connect_timeout (10 s by default).
constexpr std::uint32_t unowned_address = 0x0afffffe;  // 10.255.255.254
constexpr std::uint16_t unowned_port = 9;

class SimWorld final : public TestWorld {
 public:
  SimWorld() : world_(world_config()) {}

  net::Host& add_host() override {
    sim::HostConfig config;
    config.link.upload_bytes_per_second = link_bytes_per_second;
    config.link.download_bytes_per_second = link_bytes_per_second;
    config.link.latency = access_latency;
    return world_.add_host(config);
  }

  bool run_until_idle(net::Duration limit) override {
    return world_.run_until_idle(world_.now() + limit);
  }

  net::TimePoint now() override { return world_.now(); }

  std::string name() const override { return "sim"; }

  net::Endpoint unresponsive_endpoint() override {
    return {boost::asio::ip::address_v4(unowned_address), unowned_port};
  }

 private:
  static sim::WorldConfig world_config() {
    sim::WorldConfig config;
    config.seed = suite_seed;
    return config;
  }

  sim::World world_;
};

}  // namespace

std::unique_ptr<TestWorld> make_sim_world() {
  return std::make_unique<SimWorld>();
}

}  // namespace swarmlab::runtime_test
