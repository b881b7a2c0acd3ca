// The "real" TestWorld: RealHosts on 127.0.0.2, 127.0.0.3, ... sharing one io_context.
#include "net/real_host.hpp"
#include "tests/runtime/test_world.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <sys/socket.h>

#include <cassert>
#include <cerrno>
#include <chrono>
#include <optional>
#include <vector>

namespace swarmlab::runtime_test {

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// 127.0.0.1 is left out so that it never belongs to a host (unresponsive_endpoint uses it).
constexpr unsigned first_host_octet = 2;
constexpr std::size_t host_count_max = 250;
// How long the destructor lets cancelled tasks take to unwind.
constexpr auto teardown_duration_max = std::chrono::seconds(5);
// Connections that fill a backlog-0 accept queue (one is enough on Linux; the rest make sure).
constexpr std::size_t backlog_filler_count = 3;

class RealWorld final : public TestWorld {
 public:
  ~RealWorld() override {
    // A failed test may leave tasks suspended; cancel them and let them unwind before the hosts
    // go (a host must outlive its tasks).
    for (auto& host : hosts_)
      host->cancel_tasks();
    run_until_idle(teardown_duration_max);
  }

  net::Host& add_host() override {
    assert(hosts_.size() < host_count_max);
    const auto index = static_cast<unsigned>(hosts_.size());
    const asio::ip::address_v4 address(asio::ip::address_v4::bytes_type{
        127, 0, 0, static_cast<unsigned char>(first_host_octet + index)});
    hosts_.push_back(std::make_unique<net::RealHost>(
        io_context_, net::RealHostOptions{.addresses = {address}, .seed = index + 1}));
    return *hosts_.back();
  }

  bool run_until_idle(net::Duration limit) override {
    io_context_.restart();
    io_context_.run_for(limit);
    return io_context_.stopped();
  }

  net::TimePoint now() override {
    return net::TimePoint(std::chrono::duration_cast<net::Duration>(
        std::chrono::steady_clock::now().time_since_epoch()));
  }

  std::string name() const override { return "real"; }

  net::Endpoint unresponsive_endpoint() override {
    if (!full_listener_) fill_listener();
    const tcp::endpoint endpoint = full_listener_->local_endpoint();
    return {endpoint.address(), endpoint.port()};
  }

 private:
  // A listener with a backlog of zero that is never accepted from: once one connection waits in
  // its accept queue, Linux drops every further SYN, so a connect stays pending (SYN retries)
  // instead of being refused. Loopback has no address that silently drops packets otherwise.
  void fill_listener() {
    full_listener_.emplace(io_context_);
    full_listener_->open(tcp::v4());
    full_listener_->bind({asio::ip::address_v4::loopback(), 0});
    full_listener_->listen(0);
    const tcp::endpoint target = full_listener_->local_endpoint();
    for (std::size_t i = 0; i < backlog_filler_count; ++i) {
      tcp::socket& filler = fillers_.emplace_back(io_context_);
      filler.open(tcp::v4());
      filler.non_blocking(true);
      // A raw non-blocking connect: Asio's synchronous connect would wait for it to finish, and
      // its asynchronous one would keep the io_context busy. Pending connects are the point.
      const int result =
          ::connect(filler.native_handle(), target.data(), static_cast<socklen_t>(target.size()));
      assert(result == 0 || errno == EINPROGRESS);
    }
  }

  asio::io_context io_context_;
  std::optional<tcp::acceptor> full_listener_;
  std::vector<tcp::socket> fillers_;
  std::vector<std::unique_ptr<net::RealHost>> hosts_;
};

}  // namespace

std::unique_ptr<TestWorld> make_real_world() {
  return std::make_unique<RealWorld>();
}

}  // namespace swarmlab::runtime_test
