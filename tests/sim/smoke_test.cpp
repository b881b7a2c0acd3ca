#include "sim/world.hpp"

#include <gtest/gtest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace swarmlab::sim {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

TEST(Smoke, TimerFires) {
  World world;
  Host& host = world.add_host();
  TimePoint fired{};
  host.spawn([](Host& h, TimePoint& out) -> asio::awaitable<void> {
    co_await h.sleep(5ms);
    out = h.now();
  }(host, fired));
  world.run();
  EXPECT_EQ(fired, TimePoint(5ms));
}

TEST(Smoke, EchoOverStream) {
  WorldConfig config;
  config.core.fixed = 10ms;
  World world(config);
  Host& server = world.add_host();
  Host& client = world.add_host();
  auto listener = server.listen({net::Address(), 7000});
  ASSERT_TRUE(listener);
  std::string received;
  TimePoint done{};
  server.spawn([](net::Listener l) -> asio::awaitable<void> {
    net::Stream stream = co_await l.async_accept(asio::use_awaitable);
    char data[64];
    std::size_t n = co_await stream.async_read_some(asio::buffer(data), asio::use_awaitable);
    co_await asio::async_write(stream, asio::buffer(data, n), asio::use_awaitable);
  }(std::move(*listener)));
  client.spawn(
      [](Host& h, net::Endpoint target, std::string& out, TimePoint& at) -> asio::awaitable<void> {
        net::Stream stream = co_await h.async_connect(target, asio::use_awaitable);
        co_await asio::async_write(stream, asio::buffer(std::string("hello")), asio::use_awaitable);
        char data[5];
        co_await asio::async_read(stream, asio::buffer(data), asio::use_awaitable);
        out.assign(data, 5);
        at = h.now();
      }(client, net::Endpoint{server.addresses()[0], 7000}, received, done));
  world.run();
  EXPECT_EQ(received, "hello");
  EXPECT_EQ(done, TimePoint(40ms));
}

}  // namespace
}  // namespace swarmlab::sim
